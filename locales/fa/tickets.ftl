## تیکت‌های پشتیبانی (منوی پشتیبانی، پیام‌های تیکت، سمت مدیران و منوی مدیریت)

## مشتریان
ticket-intro =
    🎫 تیکت پشتیبانی
    پیامتان را همین‌جا بنویسید؛ پاسخ را در همین گفتگو دریافت می‌کنید. تیکت‌های قبلی‌تان در «تیکت‌های من» است.
ticket-btn-new = ✉️ تیکت جدید
ticket-btn-list = 📋 تیکت‌های من
ticket-btn-reply = ✍️ پاسخ
ticket-btn-close = 🔒 بستن تیکت
ticket-btn-reopen = 🔓 بازگشایی تیکت
ticket-btn-cancel = ✖️ انصراف
ticket-btn-open = { $icon } #{ $id } · { $subject }
ticket-unavailable = در حال حاضر امکان ارسال تیکت پشتیبانی وجود ندارد.
ticket-ask-new = پیام خود را بفرستید: متن، عکس یا فایل. چند کلمه اول آن موضوع تیکت می‌شود.
ticket-ask-reply = پاسخ خود به تیکت #{ $id } را بفرستید: متن، عکس یا فایل.
ticket-opened = ✅ تیکت #{ $id } ثبت شد. پاسخ را همین‌جا، در همین گفتگو دریافت می‌کنید.
ticket-sent = ✅ پیام شما به تیکت #{ $id } افزوده شد.
ticket-too-many-open = شما هم‌اکنون { $limit } تیکت باز دارید. لطفاً منتظر پاسخ بمانید یا تیکتی را که دیگر لازم ندارید ببندید.
ticket-too-fast = پیام‌هایتان خیلی پشت سر هم است. لطفاً یک دقیقه صبر کنید و دوباره بفرستید.
ticket-not-found = این تیکت پیدا نشد.
ticket-closed-cannot-write = تیکت #{ $id } بسته شده است. برای نوشتن دوباره، آن را بازگشایی کنید.
ticket-content-expected = لطفاً متن، عکس یا فایل بفرستید.
ticket-cancelled = لغو شد.
ticket-list-title = 📋 تیکت‌های شما:
ticket-list-empty = هنوز تیکتی ثبت نکرده‌اید.
ticket-line = #{ $id } · { $subject } · { $status } · { $date }
ticket-status = { $status ->
    [open] در انتظار پاسخ پشتیبانی
    [answered] پاسخ داده شده
   *[closed] بسته
}
ticket-no-subject = (فایل)
ticket-card =
    🎫 تیکت #{ $id }
    موضوع: { $subject }
    وضعیت: { $status }
    تاریخ ثبت: { $date }
ticket-history-title = آخرین پیام‌ها:
ticket-history-line = { $who ->
    [customer] 👤 شما
   *[admin] 🛟 پشتیبانی
} · { $date }: { $text }
ticket-history-event = { $event ->
    [closed] 🔒 بسته شد
   *[reopened] 🔓 بازگشایی شد
} { $who ->
    [customer] توسط شما
   *[admin] توسط پشتیبانی
} · { $date }
ticket-file = { $kind ->
    [photo] 🖼 عکس
   *[document] 📎 فایل
}
ticket-answer =
    💬 پاسخ پشتیبانی به تیکت #{ $id } ({ $subject }):

    { $text }
ticket-answer-hint = برای پاسخ، دکمه «پاسخ» را بزنید یا روی همین پیام پاسخ دهید.
ticket-closed-by-support = 🔒 پشتیبانی تیکت #{ $id } ({ $subject }) را بست. اگر هنوز کمک لازم دارید، می‌توانید آن را بازگشایی کنید.
ticket-reopened-by-support = 🔓 پشتیبانی تیکت #{ $id } ({ $subject }) را بازگشایی کرد.
ticket-closed-toast = تیکت #{ $id } بسته شد.
ticket-reopened-toast = تیکت #{ $id } دوباره باز شد.
ticket-already-closed = تیکت #{ $id } از قبل بسته است.
ticket-already-open = تیکت #{ $id } از قبل باز است.

## مدیران فروشگاه (گروه مدیران یا گفتگوی خصوصی)
ticket-adm-new =
    🎫 تیکت جدید #{ $id }
    از طرف: { $customer }
ticket-adm-reply =
    💬 تیکت #{ $id } · پیام تازه از مشتری
    از طرف: { $customer }
    موضوع: { $subject }
ticket-adm-hint = ↩️ برای پاسخ، روی همین پیام پاسخ دهید.
ticket-adm-closed-by-customer = 🔒 { $customer } تیکت #{ $id } ({ $subject }) را بست.
ticket-adm-reopened-by-customer = 🔓 { $customer } تیکت #{ $id } ({ $subject }) را بازگشایی کرد.
ticket-adm-sent = ✅ برای مشتری فرستاده شد (تیکت #{ $id }).
ticket-adm-closed-cannot-answer = تیکت #{ $id } بسته است. برای پاسخ، اول آن را بازگشایی کنید.
ticket-adm-admins-only = این کار فقط از مدیران فروشگاه برمی‌آید.
ticket-adm-customer = { $name } · مشتری شماره { $id }
ticket-adm-customer-username = { $name } (@{ $username }) · مشتری شماره { $id }

## منوی مدیریت
adm-btn-tickets = { $count ->
    [0] 🎫 تیکت‌ها
   *[other] 🎫 تیکت‌ها ({ $count })
}
adm-tickets-title =
    🎫 تیکت‌های باز: { $count }
    در انتظار پاسخ: { $waiting }

    به هر تیکت از کارت آن پاسخ دهید، یا با پاسخ دادن روی پیام آن در گروه مدیران.
adm-tickets-empty = 🎫 تیکت بازی وجود ندارد.
adm-ticket-button = { $icon } #{ $id } · { $customer } · { $subject }
adm-ticket-card =
    🎫 تیکت #{ $id }
    مشتری: { $customer }
    موضوع: { $subject }
    وضعیت: { $status }
    تاریخ ثبت: { $date }
adm-ticket-history-line = { $who ->
    [customer] 👤 مشتری
   *[admin] 🛟 مدیر
} · { $date }: { $text }
adm-ticket-history-event = { $event ->
    [closed] 🔒 بسته شد
   *[reopened] 🔓 بازگشایی شد
} { $who ->
    [customer] توسط مشتری
   *[admin] توسط مدیر
} · { $date }
adm-ticket-status = { $status ->
    [open] در انتظار پاسخ
    [answered] پاسخ داده شده، در انتظار مشتری
   *[closed] بسته
}
adm-ticket-btn-answer = ✍️ پاسخ
adm-ticket-ask-answer = پاسخ خود به تیکت #{ $id } را بنویسید. همان‌طور که می‌نویسید برای مشتری فرستاده می‌شود.
adm-ticket-not-found = این تیکت پیدا نشد.
adm-ticket-sent = ✅ پاسخ برای مشتری فرستاده شد.

## تنظیمات (نام‌ها در تنظیمات منوی مدیریت)
adm-label-support-mode = شیوه پشتیبانی (نام کاربری، تیکت یا هر دو)
adm-label-ticket-max-open = سقف تیکت‌های باز هر مشتری
adm-label-ticket-messages-per-minute = سقف پیام تیکت هر مشتری در دقیقه
adm-label-ticket-topic-id = تاپیک تیکت‌ها در گروه مدیران
