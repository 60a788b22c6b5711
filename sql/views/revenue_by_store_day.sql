-- Revenue and number of payments per store (of the rented copy) and day.
-- key: store_id, day
SELECT store_id,
       toDate(payment_date) AS day,
       sum(amount * _sign) AS revenue,
       sum(_sign) AS payments
FROM payment_details__changes
GROUP BY store_id, day
