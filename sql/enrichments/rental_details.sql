-- Every rental with the store that owns the copy, the film (title, rating) and the customer's
-- city and country. Kept in Flink state: a changed film title, a customer who moves, a copy
-- moved to another store all re-emit the rentals they reach.
SELECT rental.*,
       inventory.store_id AS store_id,
       film.film_id AS film_id,
       film.title AS film_title,
       film.rating AS film_rating,
       city.city AS customer_city,
       country.country AS customer_country
FROM rental
LEFT JOIN inventory ON inventory.inventory_id = rental.inventory_id
LEFT JOIN film ON film.film_id = inventory.film_id
LEFT JOIN customer ON customer.customer_id = rental.customer_id
LEFT JOIN address ON address.address_id = customer.address_id
LEFT JOIN city ON city.city_id = address.city_id
LEFT JOIN country ON country.country_id = city.country_id
