## Ban and message: what the customer sees
mod-banned = ⛔️ دسترسی شما به این ربات محدود شده است.
mod-notice-blocked = ⛔️ دسترسی شما به این ربات توسط مدیران فروشگاه محدود شد.
mod-notice-unblocked = ✅ محدودیت حساب شما برداشته شد. برای ادامه /start را بزنید.
mod-message-from-shop =
    📩 پیام از طرف فروشگاه:

    { $text }

## Ban and message: the admins
mod-customer-banned = ⛔️ این مشتری مسدود است.
mod-btn-block = ⛔️ مسدود کردن
mod-btn-unblock = ✅ رفع مسدودی
mod-btn-message = ✉️ ارسال پیام
mod-btn-block-confirm = ⛔️ بله، مسدود شود
mod-btn-keep = ↩️ منصرف شدم
mod-block-confirm =
    مشتری { $customer } مسدود شود؟

    یک پیام کوتاه به او فرستاده می‌شود و پس از آن ربات به او پاسخی نمی‌دهد و هیچ اعلانی برایش نمی‌فرستد. رسیدهای کارت به کارت در انتظار او رد و سفارش‌های پرداخت‌نشده‌اش لغو می‌شوند.
mod-blocked-toast = مشتری مسدود شد.
mod-blocked-done = ⛔️ مشتری مسدود شد. رسیدهای رد‌شده: { $receipts } · سفارش‌های لغو‌شده: { $orders }
mod-already-blocked = این مشتری از قبل مسدود است.
mod-unblocked-done = ✅ مسدودی مشتری برداشته شد و به او اطلاع داده شد.
mod-not-blocked = این مشتری مسدود نیست.
mod-message-ask = ✉️ متن پیام برای { $customer } را بفرستید:
mod-message-bad = متن پیام باید بین ۱ تا { $max } نویسه باشد. دوباره بفرستید یا لغو کنید.
mod-message-queued = ✉️ پیام در صف ارسال قرار گرفت.
mod-receipt-block-confirm =
    مشتری { $customer } (رسید { $tracking }) مسدود شود؟
    همهٔ رسیدهای در انتظار او، از جمله همین رسید، رد می‌شوند.
mod-receipt-blocked = ⛔️ { $customer } مسدود شد. رسیدهای رد‌شده: { $receipts }
mod-block-kept = مشتری مسدود نشد.
