"""The projects app's navigation entries and home-page panels."""
