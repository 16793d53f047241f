"""The ASGI shell around the realtime core: settings, app, HTTP views, the websocket."""
