miniapp-receipt-caption = رسید کارت به کارت به مبلغ { $amount } از مینی‌اپ فرستاده شد و برای بررسی به مدیران رسید.
miniapp-menu-button = فروشگاه
