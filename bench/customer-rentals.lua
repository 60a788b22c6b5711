-- One customer's rentals per request, a random customer each time (answers are not cached).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/endpoints/customer_rentals?customer_id=" .. math.random(1, 599))
end
