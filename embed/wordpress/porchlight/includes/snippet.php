<?php
/**
 * The snippet before </body> (on `wp_footer`), preceded for signed-in users by the settings that
 * identify them. Nothing is printed in the admin, in feeds, before both the Worker's address and
 * the site id are set, or when the `porchlight_show_widget` filter says no.
 *
 * @package Porchlight
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints `window.porchlightSettings` (when there are any) and the snippet.
 */
function porchlight_print_snippet() {
	if ( is_admin() || is_feed() ) {
		return;
	}
	$edge = porchlight_edge_url();
	$site = porchlight_site_id();
	if ( '' === $edge || '' === $site ) {
		return;
	}
	/**
	 * Whether this page shows the chat widget.
	 *
	 * @param bool $show Default true.
	 */
	if ( ! apply_filters( 'porchlight_show_widget', true ) ) {
		return;
	}

	$settings = porchlight_identity_settings();
	/**
	 * The settings given to the widget before it loads (`window.porchlightSettings`): for
	 * example `locale` (a BCP 47 tag) or `loadImmediately`. Holds `identificationEmail` and
	 * `identificationToken` when a signed-in user is identified.
	 *
	 * @param array $settings Settings keyed by name.
	 */
	$settings = apply_filters( 'porchlight_settings', $settings );
	if ( is_array( $settings ) && array() !== $settings ) {
		// JSON_HEX_* keep `</script>` and friends out of the script element.
		$json = wp_json_encode( (object) $settings, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES );
		if ( false !== $json ) {
			// A tag WordPress prints, so sites adding CSP nonces (wp_inline_script_attributes) cover it.
			wp_print_inline_script_tag( 'window.porchlightSettings = Object.assign(window.porchlightSettings || {}, ' . $json . ');' );
		}
	}

	printf(
		"<script async src=\"%s\" data-site=\"%s\"></script>\n",
		esc_url( $edge . '/embed.js' ),
		esc_attr( $site )
	);
}

/**
 * The signed-in user's e-mail and its token, when there is a user and an identity secret.
 *
 * @return array Empty, or `identificationEmail` and `identificationToken`.
 */
function porchlight_identity_settings() {
	if ( ! is_user_logged_in() ) {
		return array();
	}
	$secret = porchlight_identity_secret();
	$email  = (string) wp_get_current_user()->user_email;
	if ( '' === $secret || '' === trim( $email ) ) {
		return array();
	}
	return array(
		'identificationEmail' => $email,
		'identificationToken' => porchlight_identity_token( $email, $secret ),
	);
}
