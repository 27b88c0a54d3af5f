// The pages oidc-provider itself renders (error, logout confirmation, signed-out). The page
// layer in interactions/ implements them so they share our layout and message catalogue.
import type { KoaContextWithOIDC, errors } from 'oidc-provider';

export interface ProviderPages {
  /** the languages the pages speak, published as ui_locales_supported */
  languages?: readonly string[];
  renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string | undefined }, error: errors.OIDCProviderError | Error): Promise<void>;
  logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void>;
}
