//! plcli-config
