locals {
  deep = {
    l1 = {
      l2 = {
        l3 = {
          l4 = {
            l5 = [
              {
                l7 = "x"
              }
            ]
          }
        }
      }
    }
  }
}
