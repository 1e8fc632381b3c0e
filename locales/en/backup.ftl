## The daily backup, sent to the operators by the master bot

# The caption of the backup file.
backup-document =
    🗄 Daily backup of the database ({ $kind }), { $date }, { $size } MB.
    Restore it into an empty database with: npm run cli -- restore --from FILE
# One part of a backup too large for one file.
backup-document-part =
    🗄 Daily backup of the database ({ $kind }), { $date }: part { $part } of { $parts }.
    Join the parts in order (cat { $name }.part* > { $name }), then restore with: npm run cli -- restore --from { $name }
# The backup is larger than the bot may send, even in parts.
backup-too-large =
    ⚠️ Today's backup ({ $size } MB) is too large to send through Telegram (at most { $limit } MB), so it was not sent.
    Take backups on the server instead: npm run cli -- backup --out FILE
# The backup could not be made.
backup-failed =
    ⚠️ Today's backup of the database failed: { $reason }
    Check the server's logs, or take one by hand: npm run cli -- backup --out FILE
backup-kind-postgres = PostgreSQL
backup-kind-pglite = embedded
