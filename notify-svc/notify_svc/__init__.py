"""OneVisit notify: 一窗出件 · 一号服务: deliveries, notifications, licences, 12345 tickets, ratings."""
