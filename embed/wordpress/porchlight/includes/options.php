<?php
/**
 * The plugin's three options: what a valid value is, and reading them back.
 *
 * Values are checked when they are saved (includes/settings.php) and again when they are read,
 * so a value written some other way (WP-CLI, a database edit) is never printed unless valid.
 *
 * @package Porchlight
 */

defined( 'ABSPATH' ) || exit;

/**
 * The origin of an absolute http(s) URL such as `https://chat.example.com/`, without a trailing
 * slash, or '' when the value is not one. Only an origin is accepted (no path, query, user or
 * password): the loader works out every other address from where embed.js was loaded.
 *
 * @param mixed $value What an admin typed.
 * @return string The origin, e.g. `https://chat.example.com`, or ''.
 */
function porchlight_normalize_edge_url( $value ) {
	if ( ! is_string( $value ) ) {
		return '';
	}
	$value = rtrim( trim( $value ), '/' );
	if ( ! preg_match( '#^https?://#i', $value ) ) {
		return '';
	}
	// esc_url_raw() drops characters that have no place in a URL; a value it changes was not one.
	if ( esc_url_raw( $value, array( 'http', 'https' ) ) !== $value ) {
		return '';
	}
	$parts = wp_parse_url( $value );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
		return '';
	}
	foreach ( array( 'user', 'pass', 'path', 'query', 'fragment' ) as $extra ) {
		if ( isset( $parts[ $extra ] ) ) {
			return '';
		}
	}
	$host = strtolower( $parts['host'] );
	$name = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
	if ( ! preg_match( "/^($name)(\\.$name)*\$/", $host ) && ! preg_match( '/^\[[0-9a-f:.]+\]$/', $host ) ) {
		return '';
	}
	$origin = strtolower( $parts['scheme'] ) . '://' . $host;
	if ( isset( $parts['port'] ) ) {
		$origin .= ':' . (int) $parts['port'];
	}
	return $origin;
}

/**
 * Whether `$value` is a site id: 1 to 64 lowercase letters, digits, `-` and `_`.
 *
 * @param mixed $value A candidate site id.
 * @return bool
 */
function porchlight_is_site_id( $value ) {
	return is_string( $value ) && 1 === preg_match( '/^[a-z0-9_-]{1,64}$/D', $value );
}

/**
 * The stored Worker origin if it is valid, else ''.
 *
 * @return string
 */
function porchlight_edge_url() {
	$stored = get_option( PORCHLIGHT_OPTION_EDGE_URL, '' );
	$origin = porchlight_normalize_edge_url( $stored );
	return $origin === $stored ? $origin : '';
}

/**
 * The stored site id if it is valid, else ''.
 *
 * @return string
 */
function porchlight_site_id() {
	$stored = get_option( PORCHLIGHT_OPTION_SITE_ID, '' );
	return porchlight_is_site_id( $stored ) ? $stored : '';
}

/**
 * The stored identity secret, or '' when there is none.
 *
 * @return string
 */
function porchlight_identity_secret() {
	$secret = get_option( PORCHLIGHT_OPTION_SECRET, '' );
	return is_string( $secret ) ? $secret : '';
}

/**
 * The identification token for `$email`: lowercase hex of HMAC-SHA256 keyed with the site's
 * identity secret over the e-mail address trimmed and lowercased (docs/identity.md).
 *
 * @param string $email  The signed-in user's e-mail address.
 * @param string $secret The site's identity secret.
 * @return string 64 lowercase hex digits.
 */
function porchlight_identity_token( $email, $secret ) {
	return hash_hmac( 'sha256', strtolower( trim( $email ) ), $secret );
}
