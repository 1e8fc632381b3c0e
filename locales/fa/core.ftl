## Errors
error-apology = متأسفیم، مشکلی پیش آمد. لطفاً چند لحظه دیگر دوباره تلاش کنید.
feature-disabled = این گزینه در این فروشگاه فعال نیست.

## Language
choose-language = لطفاً زبان خود را انتخاب کنید:
language-changed = زبان روی فارسی تنظیم شد.

## Rules
rules-default-text =
    با استفاده از این سرویس موافقت می‌کنید که:
    • از آن به‌صورت قانونی استفاده کنید و بدون اجازه دسترسی را نفروشید؛
    • لینک اشتراک خود را با دیگران به اشتراک نگذارید؛
    • بازپرداخت طبق سیاست فروشگاه انجام می‌شود.
rules-prompt = لطفاً قوانین را بخوانید و برای ادامه آن‌ها را بپذیرید:
rules-accept = ✅ می‌پذیرم
rules-accepted = سپاس. قوانین پذیرفته شد.

## Required channel
channel-required = برای استفاده از ربات، ابتدا در کانال ما عضو شوید و سپس «عضو شدم» را بزنید.
channel-join = 📢 عضویت در کانال
channel-check = ✅ عضو شدم
channel-not-joined = هنوز در کانال عضو نشده‌اید.

## Main menu
welcome = { $name } عزیز، خوش آمدید!
welcome-back = { $name } عزیز، خوش برگشتید!
menu-title = منوی اصلی: چه کاری می‌خواهید انجام دهید؟
menu-buy = 🛒 خرید اشتراک
menu-subscription = 📱 اشتراک من
menu-trial = 🎁 اشتراک آزمایشی
menu-topup = 💳 افزایش موجودی
menu-balance = 💰 موجودی: { $balance }
menu-referral = 👥 دعوت از دوستان
menu-support = 🆘 پشتیبانی
menu-language = 🌐 زبان
menu-mini-app = 📲 باز کردن برنامه
back-to-menu = ⬅️ منوی اصلی

## Support
support-contact = برای راهنمایی به @{ $username } پیام دهید.
support-no-contact = در حال حاضر پشتیبانی از طریق ربات در دسترس نیست.

## Referral
referral-info =
    دوستان خود را با این لینک دعوت کنید:
    { $link }

    تعداد دوستانی که با لینک شما آمده‌اند: { $count }
