-- Rentals per film and week (starting Monday); top films this week:
-- SELECT * FROM film_rentals_by_week WHERE week = toMonday(today()) ORDER BY rentals DESC LIMIT 10
-- key: week, film_id, film_title
SELECT toMonday(rental_date) AS week,
       film_id,
       film_title,
       sum(_sign) AS rentals
FROM rental_details__changes
GROUP BY week, film_id, film_title
