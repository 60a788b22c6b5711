-- Adds the demo's API token (environment variable TOKEN) to every request.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
