"""OneVisit catalog: 一张清单 · 一次告知: bundles, items, materials, forms, scenarios and guides."""
