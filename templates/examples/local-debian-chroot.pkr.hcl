# The HCL2 form of local-debian-chroot.json: the web server image provisioned in a chroot, without booting.
variable "output_directory" {
  type    = string
  default = "output-local-debian-chroot"
}

source "chroot" "local-debian-chroot" {
  output_directory = var.output_directory
  vm_name          = "web.qcow2"
  format           = "qcow2"
  disk_size        = "3G"
}

build {
  sources = ["source.chroot.local-debian-chroot"]

  provisioner "file" {
    sources     = ["${path.root}/local-debian/web.service", "${path.root}/local-debian/index.html"]
    destination = "/tmp/"
  }

  provisioner "shell" {
    inline = [
      "sudo install -D -m 0644 /tmp/index.html /srv/www/index.html",
      "sudo install -m 0644 /tmp/web.service /etc/systemd/system/web.service",
      "sudo systemctl enable web.service",
      "echo web.service is enabled: it starts when the image boots",
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
