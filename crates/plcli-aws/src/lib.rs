//! plcli-aws
