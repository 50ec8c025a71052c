"""OneVisit intake: 一表申请 · 一套材料 · 一次提交 · 一次反馈: drafts, materials, validation, applications."""
