"""Protocol definitions as data: one TOML file per protocol version, read by rehab.domain.protocol."""
