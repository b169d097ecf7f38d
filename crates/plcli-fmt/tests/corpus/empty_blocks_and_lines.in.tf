resource "a" "b" {
}

resource "a" "c" {

}

resource "a" "d" {


  x = 1


}
