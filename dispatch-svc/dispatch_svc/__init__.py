"""OneVisit dispatch: 一次分办: department tasks, results, time limits and warnings."""
