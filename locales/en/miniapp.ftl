miniapp-receipt-caption = Card-to-card receipt for { $amount }, sent from the Mini App and passed to the admins for review.
miniapp-menu-button = Shop
