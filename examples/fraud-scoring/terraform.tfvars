# Partners under contract: only their designated workload role may connect.
partners = {
  partner_a = "arn:aws:iam::333333333333:role/fraud-client-prod"
  partner_b = "arn:aws:iam::777777777777:role/fraud-client-prod"
  partner_c = "arn:aws:iam::888888888888:role/fraudscore-caller"
}
