import { randomInt } from 'node:crypto';
import { isUniqueViolation } from '../../../db/errors.js';
import { cardReceiptForward } from '../../../jobs/definitions/card-payments.js';
import { enqueue } from '../../../jobs/enqueue.js';
import { isAwaitingOrder } from '../awaiting-order.js';
import { customerExists } from '../customer-exists.js';
import { MAX_PAYMENT_AMOUNT } from '../top-up.js';
import { type CardPaymentsDeps, type SubmitInput, type SubmitOutcome, truncate } from './card-payment.js';
import {
  findCardId,
  findFirstPaymentWithImage,
  getCardPaymentBySourceUpdate,
  insertCardPayment,
  isReceiptSeenElsewhere,
} from './card-payment-repository.js';

const MAX_RECEIPT_TEXT = 2000;

/** Ten digits, not starting with 0: easy to read out to support, hard to guess. */
const newTrackingNumber = () => `${randomInt(1, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;

/**
 * Records a receipt as a pending payment with a fresh tracking number and queues it for the
 * admins. A receipt image seen before (in this shop or another) is flagged, not refused: the
 * admins decide.
 */
export async function submitReceipt(deps: CardPaymentsDeps, input: SubmitInput): Promise<SubmitOutcome> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_PAYMENT_AMOUNT) {
    return { status: 'invalid', reason: 'amount' };
  }
  const raw = input.receipt.text?.trim();
  const text = raw ? truncate(raw, MAX_RECEIPT_TEXT) : null;
  if (!text && !input.receipt.file) return { status: 'invalid', reason: 'receipt' };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await insert(deps, input, text);
    } catch (error) {
      // ten random digits collided with an earlier payment of this tenant: draw again
      if (attempt < 5 && isUniqueViolation(error, 'card_to_card_payments_bot_id_tracking_number_key'))
        continue;
      // the same update handled at once by two processes: the other recorded it, and it is found
      if (attempt < 5 && isUniqueViolation(error, 'card_to_card_payments_source_update')) continue;
      throw error;
    }
  }
}

const insert = ({ tenant }: CardPaymentsDeps, input: SubmitInput, text: string | null) =>
  tenant.transaction(async (tx): Promise<SubmitOutcome> => {
    if (!(await customerExists(tx, input.customerId))) return { status: 'no_customer' };
    if (input.sourceUpdateId !== undefined) {
      const recorded = await getCardPaymentBySourceUpdate(tx, input.sourceUpdateId);
      if (recorded) return { status: 'submitted', payment: recorded };
    }
    // paid or cancelled meanwhile: the money still reaches the balance
    const orderId =
      input.orderId != null && (await isAwaitingOrder(tx, input.customerId, input.orderId))
        ? input.orderId
        : null;
    const cardId = input.cardId !== null ? await findCardId(tx, input.cardId) : null;
    const file = input.receipt.file;
    let duplicateOf: number | null = null;
    let reusedElsewhere = false;
    if (file) {
      duplicateOf = await findFirstPaymentWithImage(tx, file.fileUniqueId);
      reusedElsewhere = await isReceiptSeenElsewhere(tx, file.fileUniqueId);
    }
    const payment = await insertCardPayment(tx, {
      customerId: input.customerId,
      cardId,
      orderId,
      amount: input.amount,
      trackingNumber: newTrackingNumber(),
      receiptType: file && text ? 'both' : file ? 'image' : 'text',
      receiptText: text,
      receiptFileId: file?.fileId ?? null,
      receiptFileUniqueId: file?.fileUniqueId ?? null,
      receiptFileKind: file?.kind ?? null,
      duplicateOf,
      reusedElsewhere,
      sourceUpdateId: input.sourceUpdateId ?? null,
    });
    await enqueue(tx, cardReceiptForward, { paymentId: payment.id });
    return { status: 'submitted', payment };
  });
