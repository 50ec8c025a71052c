"""OneVisit gateway: 一窗受理: the one entry for the mini-program, window clerks, departments and government systems."""
