# The HCL2 form of local-debian.json: `bake plan -json` gives the same build (named qemu.local-debian).
variable "output_directory" {
  type    = string
  default = "output-local-debian"
}

source "qemu" "local-debian" {
  output_directory = var.output_directory
  vm_name          = "web.qcow2"
  format           = "qcow2"
  disk_size        = "3G"
  memory           = 1024
  ssh_username     = "debian"
  ssh_timeout      = "10m"
  shutdown_command = "sudo systemctl poweroff"
}

build {
  description = "A small web server image, baked locally with QEMU from bake's Debian 12 base image (no cloud account needed)."
  sources     = ["source.qemu.local-debian"]

  provisioner "file" {
    sources     = ["${path.root}/local-debian/web.service", "${path.root}/local-debian/index.html"]
    destination = "/tmp/"
  }

  provisioner "shell" {
    inline = [
      "sudo install -D -m 0644 /tmp/index.html /srv/www/index.html",
      "sudo install -m 0644 /tmp/web.service /etc/systemd/system/web.service",
      "sudo systemctl enable --now web.service",
      "for i in $(seq 50); do python3 -c 'import urllib.request; urllib.request.urlopen(\"http://127.0.0.1:8080/\")' 2>/dev/null && break; sleep 0.2; done",
      "python3 -c 'import urllib.request; print(urllib.request.urlopen(\"http://127.0.0.1:8080/\").read().decode())' | grep -q 'Hello from a bake-built'",
      "echo web server is serving /srv/www on port 8080",
    ]
  }

  post-processor "checksum" {
    checksum_types = ["sha256"]
    output         = "${var.output_directory}/{{.BuildName}}.{{.ChecksumType}}"
  }
  post-processor "manifest" {
    output = "${var.output_directory}/manifest.json"
  }
}
