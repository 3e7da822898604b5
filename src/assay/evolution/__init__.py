"""Evolution's pure steps: what to change in the scenarios before they become tests."""
