"""Tests that drive the chat page in headless Chromium."""
