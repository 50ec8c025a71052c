"""Department simulator: a stand-in for department systems in demos and tests."""
