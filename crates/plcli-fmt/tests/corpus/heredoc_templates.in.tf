locals {
  user_data = <<-EOT
    #!/bin/bash
    %{ for s in var.services ~}
    echo "${ s.name }:${s.port}"
    %{ endfor ~}
    %{if var.debug}set -x%{ else }set +x%{endif}
    echo $${HOME} %%{literal}
  EOT
  a = 1
  bb = 2
}
