"""The reliability suite: hostile input, faults and fuzzing, each asserting an end state."""
