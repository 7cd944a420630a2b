"""The key/salt pair the demo's listener and `simulate-call --demo` share (sample data only, not a secret)."""

DEMO_KEY = "demo0mango0api0key0000"
DEMO_SALT = "demo0mango0api0salt000"
