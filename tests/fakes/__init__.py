"""Fake Facebook Graph API and Zalo OA servers on 127.0.0.1, with fault injection."""
