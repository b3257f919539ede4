"""What people look at: the HTML explorer, the report and the network exports. Views read the
store and the analysis; they never parse text."""
