## Referral: the "Invite friends" screen
referral-screen-title = 👥 Invite friends
referral-screen-link =
    Your invitation link:
    { $link }
referral-screen-terms-title = 🎁 Rewards:
referral-terms-minimum = (of at least { $minimum })
referral-terms-inviter = • When a friend tops up for the first time{ $minimum }, you get { $amount }.
referral-terms-invited = • Your friend gets { $amount } on their first top-up{ $minimum } too.
referral-terms-commission = • You get { $percent }% of every payment your friends make.
referral-screen-invited = 👤 Friends who joined through your link: { $count }
referral-screen-paying = 💳 Friends who paid: { $count }
referral-screen-earned = 💰 Your referral rewards so far: { $amount }

## Referral: notices of a reward
referral-notice-invited =
    🎁 For your first top-up, a gift of { $amount } was added to your balance.
    Your balance: { $balance }
referral-notice-inviter =
    🎉 Your friend { $friend } made their first top-up: { $amount } was added to your balance.
    Your balance: { $balance }
referral-notice-commission =
    💸 A commission of { $amount } on your friend { $friend }'s payment was added to your balance.
    Your balance: { $balance }

## Referral: the admin menu's settings
adm-group-referral = 👥 Invite friends
adm-label-referral-min-topup = Smallest first top-up that earns the bonuses
adm-label-referral-first-topup-bonus = Invited friend's gift on their first top-up
adm-label-referral-inviter-bonus = Inviter's bonus on a friend's first top-up
adm-label-referral-commission-percent = Inviter's commission on every payment of their friends (percent)
