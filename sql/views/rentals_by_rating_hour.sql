-- Rentals per film rating and hour of the rental; "the last hour" is WHERE hour >= now() - INTERVAL 1 HOUR.
-- key: film_rating, hour
SELECT film_rating,
       toStartOfHour(rental_date) AS hour,
       sum(_sign) AS rentals
FROM rental_details__changes
GROUP BY film_rating, hour
