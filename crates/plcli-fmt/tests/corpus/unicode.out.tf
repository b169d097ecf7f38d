locals {
  größe     = "Größe"
  name      = "日本語テキスト"  # コメント
  emoji     = "🚀 launch" # rocket
  flag      = "🇩🇪"        # flag
  combining = "e\u0301"  # escaped
  x         = 1          # x
}
resource "aws_vpc" "ü" {
  tags = {
    Name   = "naïve café"
    "Ключ" = "значение"
  }
}
