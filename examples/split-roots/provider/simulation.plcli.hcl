# plcli-only settings for the provider root (terraform ignores this file).
#
# No az_ids here: account 456456456456 gets plcli's default per-account AZ
# mapping (SPEC §3.2: in us-east-1, name i -> ID (i + account mod 6) mod 6;
# 456456456456 mod 6 = 0), so us-east-1a/b/c are use1-az1/az2/az3. The world
# file records that mapping the first time the account is used, and the
# consumer root, sharing the world, sees the same zones.
simulation {
  region = "us-east-1"
}
