<?php
/**
 * A stand-in for WordPress, just large enough to run the Porchlight plugin outside WordPress and
 * observe what it prints and saves. It is not WordPress: each function below does what
 * WordPress's function of the same name does for the arguments the plugin passes, and no more.
 *
 * - Hooks: add_action, do_action, add_filter, apply_filters (priorities and accepted_args).
 * - Options, in an array: get_option, add_option (records autoload), update_option,
 *   delete_option; add_option and update_option run the `sanitize_option_{$option}` filter as
 *   WordPress's sanitize_option() does, which is how register_setting's sanitize callback runs.
 * - Escaping: esc_html, esc_attr (htmlspecialchars with ENT_QUOTES, no double encoding),
 *   esc_url and esc_url_raw (WordPress's steps: spaces to %20, characters outside its set
 *   dropped, CR/LF escapes stripped, http:// put before scheme-less values, protocols outside
 *   the allowed list refused, `&` and `'` encoded for display; the IPv6-bracket and entity
 *   normalisation steps are left out), wp_parse_url, wp_json_encode, __, esc_html__.
 * - Requests: is_admin, is_feed, is_user_logged_in, wp_get_current_user, current_user_can,
 *   wp_print_inline_script_tag (with the `wp_inline_script_attributes` filter).
 * - Settings API, recorded for the test to inspect: register_setting, add_settings_section,
 *   add_settings_field, add_options_page, settings_fields, do_settings_sections, submit_button,
 *   add_settings_error.
 *
 * The test sets the request through `$GLOBALS['wp_stand_in']` (see wp_reset()).
 *
 * @package Porchlight
 */

define( 'ABSPATH', __DIR__ . '/' );

/** A fresh site: no options, no hooks, a logged-out front-end request. */
function wp_reset() {
	$GLOBALS['wp_stand_in'] = array(
		'hooks'    => array(),
		'options'  => array(),
		'autoload' => array(),
		'settings' => array(),
		'sections' => array(),
		'fields'   => array(),
		'pages'    => array(),
		'errors'   => array(),
		'user'     => null,
		'admin'    => false,
		'feed'     => false,
	);
}
wp_reset();

function wp_stand_in() {
	return $GLOBALS['wp_stand_in'];
}

// Hooks.

function add_filter( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	$GLOBALS['wp_stand_in']['hooks'][ $hook ][ $priority ][] = array( $callback, $accepted_args );
	return true;
}

function add_action( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $hook, $callback, $priority, $accepted_args );
}

function apply_filters( $hook, $value, ...$args ) {
	$by_priority = isset( $GLOBALS['wp_stand_in']['hooks'][ $hook ] ) ? $GLOBALS['wp_stand_in']['hooks'][ $hook ] : array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			$value = call_user_func_array( $callback, array_slice( array_merge( array( $value ), $args ), 0, $accepted ) );
		}
	}
	return $value;
}

function do_action( $hook, ...$args ) {
	$by_priority = isset( $GLOBALS['wp_stand_in']['hooks'][ $hook ] ) ? $GLOBALS['wp_stand_in']['hooks'][ $hook ] : array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			call_user_func_array( $callback, array_slice( $args, 0, $accepted ) );
		}
	}
}

// Options.

function get_option( $option, $default_value = false ) {
	$options = $GLOBALS['wp_stand_in']['options'];
	return array_key_exists( $option, $options ) ? $options[ $option ] : $default_value;
}

function sanitize_option( $option, $value ) {
	return apply_filters( "sanitize_option_{$option}", $value, $option, $value );
}

function add_option( $option, $value = '', $deprecated = '', $autoload = true ) {
	$value = sanitize_option( $option, $value );
	if ( array_key_exists( $option, $GLOBALS['wp_stand_in']['options'] ) ) {
		return false;
	}
	$GLOBALS['wp_stand_in']['options'][ $option ]  = $value;
	$GLOBALS['wp_stand_in']['autoload'][ $option ] = ! in_array( $autoload, array( false, 'no', 'off' ), true );
	return true;
}

function update_option( $option, $value, $autoload = null ) {
	$value     = sanitize_option( $option, $value );
	$old_value = get_option( $option );
	if ( $value === $old_value ) {
		return false;
	}
	if ( false === $old_value ) {
		return add_option( $option, $value, '', null === $autoload ? true : $autoload );
	}
	$GLOBALS['wp_stand_in']['options'][ $option ] = $value;
	return true;
}

function delete_option( $option ) {
	$existed = array_key_exists( $option, $GLOBALS['wp_stand_in']['options'] );
	unset( $GLOBALS['wp_stand_in']['options'][ $option ], $GLOBALS['wp_stand_in']['autoload'][ $option ] );
	return $existed;
}

// Escaping and encoding.

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8', false );
}

function esc_attr( $text ) {
	return esc_html( $text );
}

function __( $text, $domain = 'default' ) {
	return $text;
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}

function esc_url( $url, $protocols = null, $_context = 'display' ) {
	if ( '' === $url ) {
		return $url;
	}
	$url = str_replace( ' ', '%20', ltrim( $url ) );
	$url = preg_replace( '|[^a-z0-9-~+_.?#=!&;,/:%@$\|*\'()\[\]\\x80-\\xff]|i', '', $url );
	if ( '' === $url ) {
		return $url;
	}
	if ( 0 !== stripos( $url, 'mailto:' ) ) {
		do {
			$before = $url;
			$url    = str_ireplace( array( '%0d', '%0a' ), '', $url );
		} while ( $before !== $url );
	}
	$url = str_replace( ';//', '://', $url );
	if ( false === strpos( $url, ':' ) && ! in_array( $url[0], array( '/', '#', '?' ), true )
		&& ! preg_match( '/^[a-z0-9-]+?\.php/i', $url ) ) {
		$url = 'http://' . $url;
	}
	if ( 'display' === $_context ) {
		$url = preg_replace( '/&(?!#?[a-z0-9]+;)/i', '&amp;', $url );
		$url = str_replace( array( '&amp;', "'" ), array( '&#038;', '&#039;' ), $url );
	}
	if ( '/' !== $url[0] ) {
		$protocols = is_array( $protocols ) ? $protocols : array( 'http', 'https', 'ftp', 'ftps', 'mailto', 'news', 'irc', 'irc6', 'ircs', 'gopher', 'nntp', 'feed', 'telnet', 'mms', 'rtsp', 'sms', 'svn', 'tel', 'fax', 'xmpp', 'webcal', 'urn' );
		// wp_kses_bad_protocol(): a scheme is what precedes the first `:` (before any `/?#`).
		if ( preg_match( '/^([^\/?#:]+):/', $url, $scheme ) && ! in_array( strtolower( $scheme[1] ), $protocols, true ) ) {
			return '';
		}
	}
	return $url;
}

function esc_url_raw( $url, $protocols = null ) {
	return esc_url( $url, $protocols, 'db' );
}

function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}

function wp_json_encode( $value, $flags = 0, $depth = 512 ) {
	return json_encode( $value, $flags, $depth );
}

// The request.

function is_admin() {
	return $GLOBALS['wp_stand_in']['admin'];
}

function is_feed() {
	return $GLOBALS['wp_stand_in']['feed'];
}

function is_user_logged_in() {
	return null !== $GLOBALS['wp_stand_in']['user'];
}

/** The signed-in user, or WordPress's empty user (ID 0, no e-mail). */
function wp_get_current_user() {
	$user = $GLOBALS['wp_stand_in']['user'];
	return null !== $user ? $user : (object) array( 'ID' => 0, 'user_email' => '' );
}

/** The stand-in's users are administrators. */
function current_user_can( $capability ) {
	return is_user_logged_in();
}

function wp_print_inline_script_tag( $javascript, $attributes = array() ) {
	$javascript = "\n" . trim( $javascript, "\n\r " ) . "\n";
	$attributes = apply_filters( 'wp_inline_script_attributes', $attributes, $javascript );
	$html       = '';
	foreach ( $attributes as $name => $value ) {
		$html .= true === $value ? ' ' . esc_attr( $name ) : sprintf( ' %s="%s"', esc_attr( $name ), esc_attr( $value ) );
	}
	echo "<script{$html}>{$javascript}</script>\n";
}

// The Settings API.

function register_setting( $group, $option, $args = array() ) {
	$GLOBALS['wp_stand_in']['settings'][ $option ] = array( 'group' => $group ) + $args;
	if ( ! empty( $args['sanitize_callback'] ) ) {
		add_filter( "sanitize_option_{$option}", $args['sanitize_callback'] );
	}
}

function add_settings_section( $id, $title, $callback, $page ) {
	$GLOBALS['wp_stand_in']['sections'][ $page ][ $id ] = array( $title, $callback );
}

function add_settings_field( $id, $title, $callback, $page, $section = 'default', $args = array() ) {
	$GLOBALS['wp_stand_in']['fields'][ $page ][ $section ][ $id ] = array( $title, $callback, $args );
}

function add_options_page( $page_title, $menu_title, $capability, $menu_slug, $callback = '' ) {
	$GLOBALS['wp_stand_in']['pages'][ $menu_slug ] = compact( 'page_title', 'menu_title', 'capability', 'callback' );
	return 'settings_page_' . $menu_slug;
}

function settings_fields( $group ) {
	echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '">';
	echo '<input type="hidden" name="action" value="update">';
}

function do_settings_sections( $page ) {
	$sections = isset( $GLOBALS['wp_stand_in']['sections'][ $page ] ) ? $GLOBALS['wp_stand_in']['sections'][ $page ] : array();
	foreach ( $sections as $id => list( $title, $callback ) ) {
		echo '<h2>' . esc_html( $title ) . '</h2>';
		call_user_func( $callback );
		$fields = isset( $GLOBALS['wp_stand_in']['fields'][ $page ][ $id ] ) ? $GLOBALS['wp_stand_in']['fields'][ $page ][ $id ] : array();
		echo '<table class="form-table" role="presentation">';
		foreach ( $fields as list( $field_title, $field_callback, $args ) ) {
			echo '<tr><th scope="row">' . esc_html( $field_title ) . '</th><td>';
			call_user_func( $field_callback, $args );
			echo '</td></tr>';
		}
		echo '</table>';
	}
}

function submit_button() {
	echo '<p class="submit"><input type="submit" name="submit" id="submit" class="button button-primary" value="Save Changes"></p>';
}

function add_settings_error( $setting, $code, $message, $type = 'error' ) {
	$GLOBALS['wp_stand_in']['errors'][] = compact( 'setting', 'code', 'message', 'type' );
}
