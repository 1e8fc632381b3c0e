import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  type Api,
  ApiError,
  type CardOffer,
  createApi,
  type Device,
  type HelpPage,
  type Language,
  type Me,
  type Method,
  newKey,
  type OrderAnswer,
  type Pack,
  type Plan,
  type Subscription,
  type Ticket,
} from './api';
import { guessLanguage, type Key, type Translator, translator } from './i18n';
import './styles.css';
import { applyTheme, openInvoice, openLink, readInitData, telegramLanguage } from './telegram';

type Screen =
  | { name: 'home' }
  | { name: 'plans'; subscription: Subscription | null }
  | { name: 'topup'; orderId: number | null; missing: number | null }
  | { name: 'devices'; subscription: Subscription }
  | { name: 'packs'; subscription: Subscription }
  | { name: 'settings' };

interface Shared {
  api: Api;
  me: Me;
  tr: Translator;
  go: (screen: Screen) => void;
  reload: () => Promise<void>;
}

const errorKey = (error: unknown): Key => {
  if (!(error instanceof ApiError)) return 'errGeneric';
  if (error.status === 401) return 'errUnauthorized';
  if (error.code === 'not_customer') return 'errNotCustomer';
  if (error.code === 'disabled') return 'errDisabled';
  if (error.code === 'amount_out_of_range') return 'errAmount';
  if (['panel_unavailable', 'not_provisioned', 'panel_lost', 'unavailable'].includes(error.code))
    return 'errPanel';
  return 'errGeneric';
};

function Notice({ text, kind = 'info' }: { text: string; kind?: 'info' | 'error' | 'ok' }) {
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

function Usage({ s, tr }: { s: Subscription; tr: Translator }) {
  const { t } = tr;
  if (s.limitBytes === 0) return <p class="hint">{t('usageUnlimited', { used: tr.bytes(s.usedBytes) })}</p>;
  const percent = Math.min(100, Math.round((s.usedBytes / s.limitBytes) * 100));
  return (
    <div>
      <div class="bar" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <p class="hint">{t('usage', { used: tr.bytes(s.usedBytes), limit: tr.bytes(s.limitBytes) })}</p>
    </div>
  );
}

const STATUS_KEYS: Record<Subscription['status'], Key> = {
  pending: 'statusPending',
  active: 'statusActive',
  expired: 'statusExpired',
  limited: 'statusLimited',
  disabled: 'statusDisabled',
};

function SubscriptionCard({ s, shared }: { s: Subscription; shared: Shared }) {
  const { tr, me, api, go, reload } = shared;
  const { t } = tr;
  const [copied, setCopied] = useState(false);
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const copy = async () => {
    if (!s.link) return;
    try {
      await navigator.clipboard.writeText(s.link);
    } catch {
      // older WebViews: select the text so the customer can copy it by hand
      document.getElementById(`link-${s.id}`)?.focus();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const renewLink = async () => {
    try {
      await api.newLink(s.id, s.linkKey ?? '');
      setMessage({ text: t('newLinkDone'), kind: 'ok' });
      await reload();
    } catch (error) {
      setMessage({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  return (
    <section class="card" data-subscription={s.ordinal}>
      <header class="row">
        <h2>
          {t('subscription', { n: tr.num(s.ordinal) })}
          {s.isTrial ? <small> · {t('trial')}</small> : null}
        </h2>
        <span class={`badge ${s.status}`}>{t(STATUS_KEYS[s.status])}</span>
      </header>
      <p>{s.expiresAt ? t('expires', { date: tr.date(s.expiresAt) }) : t('noExpiry')}</p>
      <Usage s={s} tr={tr} />
      <p class="hint">
        {t('devicesLimit', { n: s.deviceLimit === 0 ? t('unlimited') : tr.num(s.deviceLimit) })}
      </p>
      {s.link ? (
        <div class="link">
          <label for={`link-${s.id}`}>{t('link')}</label>
          <div class="row">
            <input id={`link-${s.id}`} readOnly value={s.link} dir="ltr" />
            <button type="button" onClick={copy}>
              {copied ? t('copied') : t('copy')}
            </button>
          </div>
          {s.qrSvg ? (
            <img
              class="qr"
              alt="QR"
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.qrSvg)}`}
            />
          ) : null}
        </div>
      ) : null}
      {message ? <Notice text={message.text} kind={message.kind} /> : null}
      <div class="actions">
        <button type="button" class="primary" onClick={() => go({ name: 'plans', subscription: s })}>
          {t('renew')}
        </button>
        {me.features.devices ? (
          <button type="button" onClick={() => go({ name: 'devices', subscription: s })}>
            {t('devices')}
          </button>
        ) : null}
        {me.features.newLink && s.link ? (
          <button type="button" onClick={renewLink}>
            {t('newLink')}
          </button>
        ) : null}
        {(me.features.trafficPacks && s.limitBytes > 0) || me.features.dayPacks ? (
          <button type="button" onClick={() => go({ name: 'packs', subscription: s })}>
            {t('extra')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function Home({ shared, subscriptions }: { shared: Shared; subscriptions: Subscription[] }) {
  if (subscriptions.length === 0)
    return (
      <div>
        <Notice text={shared.tr.t('noSubscriptions')} />
        <button
          type="button"
          class="primary wide"
          onClick={() => shared.go({ name: 'plans', subscription: null })}
        >
          {shared.tr.t('tabBuy')}
        </button>
      </div>
    );
  return (
    <div>
      {subscriptions.map((s) => (
        <SubscriptionCard key={s.id} s={s} shared={shared} />
      ))}
    </div>
  );
}

/** What an order answer means to the customer; an order short of money goes on to the top-up. */
function useOrder(shared: Shared) {
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' | 'info' } | null>(null);
  const answer = async (outcome: OrderAnswer) => {
    const { t } = shared.tr;
    if (outcome.status === 'paid') {
      setMessage({ text: t('paid'), kind: 'ok' });
      await shared.reload();
    } else if (outcome.status === 'in_progress') setMessage({ text: t('inProgress'), kind: 'info' });
    else if (outcome.status === 'insufficient')
      shared.go({ name: 'topup', orderId: outcome.orderId, missing: outcome.missing });
    else if (outcome.reason === 'subscription_limit') setMessage({ text: t('limitReached'), kind: 'error' });
    else if (outcome.reason === 'wallet_insufficient')
      setMessage({ text: t('walletRefused'), kind: 'error' });
    else setMessage({ text: t('refused'), kind: 'error' });
  };
  return { message, setMessage, answer };
}

function Plans({ shared, subscription }: { shared: Shared; subscription: Subscription | null }) {
  const { api, tr } = shared;
  const { t } = tr;
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [chosen, setChosen] = useState<Plan | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useMemo(() => newKey(), [chosen]);
  const order = useOrder(shared);
  useEffect(() => {
    api.plans().then(
      (answer) => setPlans(answer.plans),
      (error: unknown) => order.setMessage({ text: t(errorKey(error)), kind: 'error' }),
    );
  }, []);
  const buy = async (plan: Plan) => {
    setBusy(true);
    try {
      await order.answer(await api.buyPlan(plan.id, subscription?.id ?? null, key));
    } catch (error) {
      order.setMessage({ text: t(errorKey(error)), kind: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const traffic = (gb: number) => (gb === 0 ? t('trafficUnlimited') : t('gb', { n: tr.num(gb) }));
  return (
    <div>
      <h2>{subscription ? t('renewTitle', { n: tr.num(subscription.ordinal) }) : t('plansTitle')}</h2>
      {order.message ? <Notice text={order.message.text} kind={order.message.kind} /> : null}
      {plans?.length === 0 ? <Notice text={t('noPlans')} /> : null}
      {plans?.map((plan) => (
        <section class={`card plan ${chosen?.id === plan.id ? 'chosen' : ''}`} key={plan.id}>
          <button type="button" class="plain" onClick={() => setChosen(plan)}>
            <strong>{plan.name}</strong>
            <span class="hint">
              {t('planLine', {
                days: tr.num(plan.periodDays),
                traffic: traffic(plan.trafficGb),
                devices: plan.deviceLimit === 0 ? t('unlimited') : tr.num(plan.deviceLimit),
              })}
            </span>
            <span class="price">{tr.money(plan.price)}</span>
          </button>
          {chosen?.id === plan.id ? (
            <button type="button" class="primary wide" disabled={busy} onClick={() => buy(plan)}>
              {t('buyFor', { price: tr.money(plan.price) })}
            </button>
          ) : null}
        </section>
      ))}
    </div>
  );
}

function Packs({ shared, subscription }: { shared: Shared; subscription: Subscription }) {
  const { api, tr } = shared;
  const { t } = tr;
  const [packs, setPacks] = useState<Pack[] | null>(null);
  const order = useOrder(shared);
  const key = useMemo(() => newKey(), []);
  useEffect(() => {
    api.packs().then(
      (answer) => setPacks(answer.packs.filter((p) => p.kind === 'days' || subscription.limitBytes > 0)),
      (error: unknown) => order.setMessage({ text: t(errorKey(error)), kind: 'error' }),
    );
  }, []);
  const buy = async (pack: Pack) => {
    try {
      await order.answer(await api.buyPack(pack.id, subscription.id, `${key}${pack.id}`));
    } catch (error) {
      order.setMessage({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  return (
    <div>
      <h2>{t('packsTitle', { n: tr.num(subscription.ordinal) })}</h2>
      {order.message ? <Notice text={order.message.text} kind={order.message.kind} /> : null}
      {packs?.map((pack) => (
        <button type="button" class="wide" key={pack.id} onClick={() => buy(pack)}>
          {t(pack.kind === 'traffic' ? 'packTraffic' : 'packDays', { n: tr.num(pack.amount) })} ·{' '}
          {tr.money(pack.price)}
        </button>
      ))}
    </div>
  );
}

function Devices({ shared, subscription }: { shared: Shared; subscription: Subscription }) {
  const { api, tr } = shared;
  const { t } = tr;
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  useEffect(() => {
    api.devices(subscription.id).then(
      (answer) => setDevices(answer.devices),
      (error: unknown) => setMessage({ text: t(errorKey(error)), kind: 'error' }),
    );
  }, []);
  const remove = async (device: Device) => {
    try {
      const answer = await api.removeDevice(subscription.id, device.key);
      setDevices(answer.devices);
      setMessage({ text: t('removed'), kind: 'ok' });
    } catch (error) {
      setMessage({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  return (
    <div>
      <h2>{t('devicesTitle', { n: tr.num(subscription.ordinal) })}</h2>
      {message ? <Notice text={message.text} kind={message.kind} /> : null}
      {devices?.length === 0 ? <Notice text={t('noDevices')} /> : null}
      <ul class="list">
        {devices?.map((device) => (
          <li key={device.key} class="row device">
            <span>
              <strong dir="auto">{device.model ?? device.platform ?? t('unknownDevice')}</strong>
              <span class="hint" dir="auto">
                {' '}
                {[device.platform, device.osVersion].filter(Boolean).join(' ')}
                {device.addedAt ? ` · ${tr.date(device.addedAt)}` : ''}
              </span>
            </span>
            <button type="button" class="danger" onClick={() => remove(device)}>
              {t('remove')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CardTransfer({ shared, offer }: { shared: Shared; offer: CardOffer }) {
  const { api, tr } = shared;
  const { t } = tr;
  const [state, setState] = useState<{ text: string; kind: 'ok' | 'error' | 'info' } | null>(null);
  const [sent, setSent] = useState(false);
  const upload = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setState({ text: t('receiptSending'), kind: 'info' });
    try {
      const answer = await api.uploadReceipt(offer, file);
      setSent(true);
      setState({ text: t('receiptSent', { tracking: answer.trackingNumber }), kind: 'ok' });
    } catch (error) {
      setState({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  const groups = offer.card.number.replace(/(\d{4})(?=\d)/g, '$1 ');
  return (
    <section class="card">
      <p>{t('cardTransfer', { amount: tr.money(offer.amount) })}</p>
      <p class="cardnumber" dir="ltr">
        {groups}
      </p>
      <p class="hint">{t('cardHolder', { name: offer.card.holder })}</p>
      {offer.card.bank ? <p class="hint">{t('cardBank', { name: offer.card.bank })}</p> : null}
      {sent ? null : (
        <label class="button primary wide">
          {t('receiptPick')}
          <input type="file" accept="image/*" name="receipt" onChange={upload} hidden />
        </label>
      )}
      {state ? <Notice text={state.text} kind={state.kind} /> : null}
    </section>
  );
}

function TopUp({
  shared,
  orderId,
  missing,
}: {
  shared: Shared;
  orderId: number | null;
  missing: number | null;
}) {
  const { api, me, tr } = shared;
  const { t } = tr;
  const [amount, setAmount] = useState<number | null>(missing);
  const [typed, setTyped] = useState('');
  const [offer, setOffer] = useState<CardOffer | null>(null);
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' | 'info' } | null>(null);
  const [payUrl, setPayUrl] = useState<{ url: string; amount: number } | null>(null);
  const key = useMemo(() => newKey(), [amount]);
  const methods = me.topUp.methods;
  if (methods.length === 0) return <Notice text={t('noMethods')} />;
  const pay = async (method: Method) => {
    if (amount === null) return;
    setMessage(null);
    try {
      if (method === 'card') setOffer(await api.cardOffer(amount, orderId));
      else if (method === 'zarinpal') {
        const answer = await api.zarinpal(amount, orderId, key);
        setPayUrl(answer);
        openLink(answer.url);
      } else {
        const answer = await api.stars(amount, orderId);
        const status = await openInvoice(answer.invoiceLink);
        setMessage({ text: t(status === undefined ? 'starsOutside' : 'starsOpened'), kind: 'info' });
        if (status === 'paid') await shared.reload();
      }
    } catch (error) {
      setMessage({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  if (offer) return <CardTransfer shared={shared} offer={offer} />;
  return (
    <div>
      <h2>
        {orderId !== null && missing !== null
          ? t('topUpForOrder', { amount: tr.money(missing) })
          : t('topUpTitle')}
      </h2>
      {orderId === null ? (
        <div>
          <div class="grid">
            {me.topUp.presets.map((preset) => (
              <button
                type="button"
                key={preset}
                class={amount === preset ? 'primary' : ''}
                onClick={() => {
                  setAmount(preset);
                  setTyped('');
                }}
              >
                {tr.money(preset)}
              </button>
            ))}
          </div>
          <label class="field">
            {t('otherAmount')}
            <input
              inputMode="numeric"
              value={typed}
              onInput={(event) => {
                const text = (event.currentTarget as HTMLInputElement).value;
                setTyped(text);
                setAmount(tr.parseAmount(text) ?? null);
              }}
            />
            <span class="hint">
              {t('amountRange', { min: tr.money(me.topUp.min), max: tr.money(me.topUp.max) })}
            </span>
          </label>
        </div>
      ) : null}
      {amount !== null ? (
        <div>
          <h3>{t('chooseMethod')}</h3>
          {methods.map((method) => (
            <button type="button" class="wide" key={method} onClick={() => pay(method)}>
              {t(method === 'card' ? 'methodCard' : method === 'zarinpal' ? 'methodZarinpal' : 'methodStars')}
            </button>
          ))}
        </div>
      ) : null}
      {payUrl ? (
        <a class="button primary wide" href={payUrl.url} target="_blank" rel="noopener">
          {t('zarinpalOpen', { amount: tr.money(payUrl.amount) })}
        </a>
      ) : null}
      {message ? <Notice text={message.text} kind={message.kind} /> : null}
    </div>
  );
}

function Support({ shared }: { shared: Shared }) {
  const { api, tr } = shared;
  const { t } = tr;
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const load = () =>
    api.tickets().then(
      (answer) => setTickets(answer.tickets),
      () => undefined,
    );
  useEffect(() => {
    void load();
  }, []);
  const send = async () => {
    try {
      const answer = await api.openTicket(text);
      if (answer.status === 'opened') {
        setText('');
        setMessage({ text: t('ticketOpened'), kind: 'ok' });
        await load();
      } else setMessage({ text: t('ticketTooMany'), kind: 'error' });
    } catch (error) {
      setMessage({ text: t(errorKey(error)), kind: 'error' });
    }
  };
  const statusKey = { open: 'ticketOpen', answered: 'ticketAnswered', closed: 'ticketClosed' } as const;
  return (
    <section class="card">
      <h2>{t('supportTitle')}</h2>
      <ul class="list">
        {tickets.map((ticket) => (
          <li key={ticket.id} class="row">
            <span dir="auto">{ticket.subject}</span>
            <small>{t(statusKey[ticket.status])}</small>
          </li>
        ))}
      </ul>
      <textarea
        rows={3}
        dir="auto"
        placeholder={t('ticketPlaceholder')}
        value={text}
        onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="button" class="primary wide" disabled={text.trim() === ''} onClick={send}>
        {t('ticketSend')}
      </button>
      {message ? <Notice text={message.text} kind={message.kind} /> : null}
    </section>
  );
}

function Help({ shared }: { shared: Shared }) {
  const [pages, setPages] = useState<HelpPage[]>([]);
  useEffect(() => {
    shared.api.help().then(
      (answer) => setPages(answer.pages),
      () => undefined,
    );
  }, [shared.tr.language]);
  if (pages.length === 0) return null;
  return (
    <section class="card">
      <h2>{shared.tr.t('helpTitle')}</h2>
      {pages.map((page) => (
        <details key={page.key}>
          <summary dir="auto">{page.title}</summary>
          <p class="pre" dir="auto">
            {page.body}
          </p>
        </details>
      ))}
    </section>
  );
}

function More({ shared, setLanguage }: { shared: Shared; setLanguage: (language: Language) => void }) {
  const names: Record<Language, string> = { fa: 'فارسی', en: 'English', ru: 'Русский' };
  return (
    <div>
      <section class="card">
        <h2>{shared.tr.t('languageTitle')}</h2>
        {(['fa', 'en', 'ru'] as const).map((language) => (
          <button
            type="button"
            class={`wide ${shared.tr.language === language ? 'primary' : ''}`}
            key={language}
            lang={language}
            onClick={async () => {
              await shared.api.setLanguage(language);
              setLanguage(language);
            }}
          >
            {names[language]}
          </button>
        ))}
      </section>
      {shared.me.features.help ? <Help shared={shared} /> : null}
      {shared.me.features.tickets ? <Support shared={shared} /> : null}
    </div>
  );
}

function App() {
  const initData = useMemo(readInitData, []);
  const api = useMemo(() => createApi(initData), [initData]);
  const [me, setMe] = useState<Me | null>(null);
  const [subscriptions, setSubscriptions] = useState<Subscription[]>([]);
  const [failure, setFailure] = useState<Key | null>(null);
  const [screen, go] = useState<Screen>({ name: 'home' });
  const language = me?.customer.language ?? guessLanguage(telegramLanguage(initData));
  const tr = useMemo(() => translator(language, me?.shop.currency ?? 'IRT'), [language, me?.shop.currency]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = tr.dir;
  }, [language]);

  const reload = async () => {
    try {
      const [profile, list] = await Promise.all([api.me(), api.subscriptions()]);
      setMe(profile);
      setSubscriptions(list.subscriptions);
      document.title = profile.shop.name;
    } catch (error) {
      setFailure(errorKey(error));
    }
  };
  useEffect(() => {
    void reload();
  }, []);

  if (failure)
    return (
      <main class="failure">
        <Notice text={tr.t(failure)} kind="error" />
      </main>
    );
  if (!me) return <p class="loading">{tr.t('loading')}</p>;
  const shared: Shared = { api, me, tr, go, reload };
  const tabs: [Screen['name'], Key, Screen][] = [
    ['home', 'tabHome', { name: 'home' }],
    ['plans', 'tabBuy', { name: 'plans', subscription: null }],
    ['topup', 'tabTopUp', { name: 'topup', orderId: null, missing: null }],
    ['settings', 'tabMore', { name: 'settings' }],
  ];
  return (
    <main>
      <header class="top">
        <h1>{me.shop.name}</h1>
        <p>
          {tr.t('balance')}: <strong class="balance">{tr.money(me.customer.balance)}</strong>
        </p>
      </header>
      <nav class="tabs">
        {tabs.map(([name, label, target]) => (
          <button
            type="button"
            key={name}
            class={screen.name === name ? 'active' : ''}
            aria-current={screen.name === name ? 'page' : undefined}
            onClick={() => go(target)}
          >
            {tr.t(label)}
          </button>
        ))}
      </nav>
      {screen.name === 'home' ? <Home shared={shared} subscriptions={subscriptions} /> : null}
      {screen.name === 'plans' ? (
        <Plans key={screen.subscription?.id ?? 0} shared={shared} subscription={screen.subscription} />
      ) : null}
      {screen.name === 'topup' ? (
        <TopUp key={screen.orderId ?? 0} shared={shared} orderId={screen.orderId} missing={screen.missing} />
      ) : null}
      {screen.name === 'devices' ? <Devices shared={shared} subscription={screen.subscription} /> : null}
      {screen.name === 'packs' ? <Packs shared={shared} subscription={screen.subscription} /> : null}
      {screen.name === 'settings' ? (
        <More
          shared={shared}
          setLanguage={(next) => setMe({ ...me, customer: { ...me.customer, language: next } })}
        />
      ) : null}
      {screen.name !== 'home' ? (
        <button type="button" class="plain back" onClick={() => go({ name: 'home' })}>
          {tr.t('back')}
        </button>
      ) : null}
    </main>
  );
}

applyTheme();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
