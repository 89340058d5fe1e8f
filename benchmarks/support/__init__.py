"""What several benchmarks share (not benchmarks themselves: nothing here is run)."""
