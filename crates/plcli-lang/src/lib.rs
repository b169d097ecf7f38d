//! plcli-lang
