## بسته‌های حجم اضافه و روز اضافه (کارت اشتراک، و منوی مدیریت فروشگاه)

## مشتریان
pack-btn-traffic = 📶 حجم اضافه
pack-btn-days = ⏳ روز اضافه
pack-amount-days = { $amount } روز
pack-button = ➕ { $amount } · { $price }
pack-list-traffic =
    📶 حجم اضافه برای { $name }
    حجم مصرفی: { $used } از { $limit }

    یک بسته انتخاب کنید؛ حجم آن به سقف حجم اشتراک افزوده می‌شود.
pack-list-days =
    ⏳ روز اضافه برای { $name }
    تاریخ انقضا: { $date } ({ $days } روز مانده)

    یک بسته انتخاب کنید؛ روزهای آن به تاریخ انقضا افزوده می‌شود، یا اگر آن تاریخ گذشته باشد، از امروز حساب می‌شود.
pack-details-traffic =
    📶 { $amount } حجم اضافه برای { $name }
    حجم مصرفی فعلی: { $used } از { $limit }
    💵 قیمت: { $price }
pack-details-days =
    ⏳ { $amount } اضافه برای { $name }
    تاریخ انقضای فعلی: { $date } ({ $days } روز مانده)
    💵 قیمت: { $price }
pack-paid =
    ✅ مبلغ { $price } برای { $amount } اضافه پرداخت شد.
    در حال افزودن به اشتراک شماست؛ به محض اعمال، پیامی دریافت می‌کنید.
pack-unavailable = این بسته دیگر فروخته نمی‌شود.
pack-none = در حال حاضر بسته‌ای از این نوع برای فروش نیست.
pack-unlimited = حجم این اشتراک نامحدود است؛ چیزی برای افزودن نیست.
pack-subscription-unavailable = این بسته را نمی‌توان برای این اشتراک خرید.

## مدیران فروشگاه
adm-btn-packs = 🎁 بسته‌های اضافه
adm-btn-pack-new = { $kind ->
    [traffic] ➕ بسته حجم اضافه
   *[days] ➕ بسته روز اضافه
}
adm-btn-pack-amount = { $kind ->
    [traffic] 📶 حجم
   *[days] ⏳ تعداد روز
}
adm-packs-title = 🎁 بسته‌های اضافه‌ای که مشتریان می‌توانند به اشتراک خود بیفزایند، به ترتیبی که می‌بینند:
adm-packs-empty = هنوز هیچ بسته اضافه‌ای ساخته نشده است. یک بسته حجم اضافه (گیگابایت‌هایی که به سقف حجم اشتراک افزوده می‌شود) یا یک بسته روز اضافه (روزهایی که به تاریخ انقضا افزوده می‌شود) بسازید.
adm-packs-group = { $kind ->
    [traffic] 📶 حجم اضافه
   *[days] ⏳ روز اضافه
}
adm-pack-line = { $position }. { $amount } · { $price } · { $active ->
        [yes] ✅ در حال فروش
       *[other] ⏸ غیرفعال
    }
adm-pack-card =
    { $kind ->
        [traffic] 📶 بسته حجم اضافه
       *[days] ⏳ بسته روز اضافه
    }: { $amount } ({ $position } از { $count })
    💵 قیمت: { $price }
    وضعیت: { $active ->
        [yes] ✅ در حال فروش
       *[other] ⏸ غیرفعال
    }
adm-pack-not-found = این بسته وجود ندارد (یا حذف شده است).
adm-pack-new-title = { $kind ->
    [traffic] ➕ بسته حجم اضافه جدید
   *[days] ➕ بسته روز اضافه جدید
}
adm-pack-editing = ✏️ ویرایش بسته { $amount }
adm-pack-ask-amount = { $kind ->
    [traffic] حجمی را که این بسته می‌افزاید به گیگابایت بفرستید: عددی صحیح از ۱ تا { $max }.
   *[days] تعداد روزهایی را که این بسته می‌افزاید بفرستید: عددی صحیح از ۱ تا { $max }.
}
adm-pack-ask-price = قیمت را بفرستید: عددی صحیح و دست‌کم ۱، به واحد پول فروشگاه.
adm-pack-bad-amount = { $kind ->
    [traffic] ❌ حجم باید عددی صحیح از ۱ تا { $max } گیگابایت باشد. دوباره بفرستید.
   *[days] ❌ تعداد روز باید عددی صحیح از ۱ تا { $max } باشد. دوباره بفرستید.
}
adm-pack-bad-price = ❌ قیمت باید عددی صحیح و دست‌کم ۱ باشد. دوباره بفرستید.
adm-pack-not-created = ❌ بسته ساخته نشد. لطفاً دوباره تلاش کنید.
adm-pack-created = { $kind ->
    [traffic] ✅ بسته حجم اضافه { $amount } ساخته شد و در حال فروش است.
   *[days] ✅ بسته روز اضافه { $amount } ساخته شد و در حال فروش است.
}
adm-pack-saved = ✅ ذخیره شد.
adm-pack-moved = جابه‌جا شد.
adm-pack-switched-off = بسته غیرفعال شد: دیگر به مشتریان نمایش داده نمی‌شود.
adm-pack-switched-on = بسته دوباره در حال فروش است.
