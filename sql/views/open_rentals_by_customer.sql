-- Rentals not returned yet, per customer (customers with none are absent).
-- key: customer_id
SELECT customer_id,
       sum(_sign * (return_date IS NULL)) AS open_rentals
FROM rental__changes
GROUP BY customer_id
