import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../auth/session';
import { LEGAL_NOTICE_25326 } from './footer';
import './privacy.css';

const DISMISSED_KEY = 'barberpro.firstAccessNotice.v1';

function wasDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) !== null;
  } catch {
    return false;
  }
}

/**
 * The first-access notice: the "Botón de arrepentimiento" and "Botón de baja" must be visible
 * on first access (Disposición 954/2025), with the privacy notice. Once dismissed it stays in
 * the footer only.
 */
export function FirstAccessNotice() {
  const [dismissed, setDismissed] = useState(wasDismissed);
  if (dismissed) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, new Date().toISOString());
    } catch {
      // Private mode without storage: it is hidden for this visit only.
    }
    setDismissed(true);
  };
  return (
    <aside className="first-access" aria-label="Aviso de privacidad y derechos del consumidor">
      <p>
        Usamos tus datos personales para gestionar tus turnos, pagos y facturas, según nuestra <Link to="/privacidad">política de privacidad</Link> y la Ley
        25.326. Podés revocar una compra dentro de los 10 días o dar de baja tu cuenta sin iniciar sesión:
      </p>
      <div className="row">
        <Link className="button secondary" to="/arrepentimiento">
          Botón de arrepentimiento
        </Link>
        <Link className="button secondary" to="/baja">
          Botón de baja
        </Link>
        <button type="button" className="button" onClick={dismiss}>
          Entendido
        </button>
      </div>
    </aside>
  );
}

/** A signed-in user who has not accepted the versions in force (GET /api/v1/me says which) is asked to. */
export function ConsentUpdateNotice() {
  const { user } = useAuth();
  const { pathname } = useLocation();
  // /mis-datos asks in the page itself.
  if (!user || user.pendingConsents.length === 0 || pathname === '/mis-datos') return null;
  return (
    <aside className="first-access" aria-label="Actualización de términos">
      <p>Actualizamos nuestros términos y la política de privacidad. Para seguir usando BarberPro, leelos y aceptalos.</p>
      <div className="row">
        <Link className="button" to="/mis-datos">
          Leer y aceptar
        </Link>
      </div>
    </aside>
  );
}

/** What the layout renders in its footer: the Ley 25.326 notice. */
export function PrivacyFooter() {
  return <p className="legal-notice">{LEGAL_NOTICE_25326}</p>;
}

/**
 * What the layout renders under its header: the first-access notice and the request to accept
 * new versions. In the page's flow, not floating, so it never covers what it sits above.
 */
export function PrivacyBanners() {
  return (
    <div className="privacy-banners">
      <ConsentUpdateNotice />
      <FirstAccessNotice />
    </div>
  );
}

/**
 * The consent part of a sign-up form: the Ley 25.326 notice, acceptance of the terms and the
 * privacy notice (required by the API: `acceptTerms: true`), and marketing as a separate,
 * unticked choice.
 */
export function SignUpConsentFields(props: {
  acceptTerms: boolean;
  marketingOptIn: boolean;
  onChange(value: { acceptTerms: boolean; marketingOptIn: boolean }): void;
}) {
  return (
    <fieldset className="stack">
      <legend className="field-label">Tus datos</legend>
      <label className="row">
        <input type="checkbox" required checked={props.acceptTerms} onChange={(e) => props.onChange({ acceptTerms: e.target.checked, marketingOptIn: props.marketingOptIn })} />
        <span>
          Leí y acepto los <Link to="/privacidad#terminos">términos y condiciones</Link> y la <Link to="/privacidad#privacidad">política de privacidad</Link>.
        </span>
      </label>
      <label className="row">
        <input type="checkbox" checked={props.marketingOptIn} onChange={(e) => props.onChange({ acceptTerms: props.acceptTerms, marketingOptIn: e.target.checked })} />
        <span>Quiero recibir promociones de BarberPro (opcional; podés cambiarlo cuando quieras).</span>
      </label>
      <p className="field-hint">{LEGAL_NOTICE_25326}</p>
    </fieldset>
  );
}
