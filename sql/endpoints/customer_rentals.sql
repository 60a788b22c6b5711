-- description: One customer's rentals, newest first, with the film and whether it is back.
-- param customer_id: UInt16, required, min 1, "Customer id (sakila.customer.customer_id)"
SELECT r.rental_id AS rental_id, r.rental_date AS rental_date, r.return_date AS return_date,
       f.title AS title, r.return_date IS NULL AS open
FROM sakila.rental AS r
INNER JOIN sakila.inventory AS i ON i.inventory_id = r.inventory_id
INNER JOIN sakila.film AS f ON f.film_id = i.film_id
WHERE r.customer_id = {customer_id:UInt16}
ORDER BY r.rental_date DESC, r.rental_id DESC
