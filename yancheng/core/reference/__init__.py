"""National reference lists the platform checks codes against (GB/T 2260 regions, GB/T 4754 industries)."""
