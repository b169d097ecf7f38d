//! plcli-graph
