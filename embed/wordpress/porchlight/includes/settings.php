<?php
/**
 * Settings → Porchlight: the Worker's address, the site id and the identity secret, through the
 * Settings API (options.php checks the nonce and the capability, then calls the sanitize
 * callbacks below before saving).
 *
 * The secret is write-only here: the page says whether one is set and never prints it back.
 *
 * @package Porchlight
 */

defined( 'ABSPATH' ) || exit;

/** The settings group and the page's slug. */
define( 'PORCHLIGHT_SETTINGS_PAGE', 'porchlight' );

/**
 * Registers the options, the section and the fields (on `admin_init`).
 */
function porchlight_register_settings() {
	// Create the secret's option before anything saves it, with autoload off: WordPress would
	// otherwise load it into memory on every request. Options that exist keep their autoload.
	if ( false === get_option( PORCHLIGHT_OPTION_SECRET, false ) ) {
		add_option( PORCHLIGHT_OPTION_SECRET, '', '', false );
	}

	$page = PORCHLIGHT_SETTINGS_PAGE;
	register_setting(
		$page,
		PORCHLIGHT_OPTION_EDGE_URL,
		array(
			'type'              => 'string',
			'sanitize_callback' => 'porchlight_sanitize_edge_url',
		)
	);
	register_setting(
		$page,
		PORCHLIGHT_OPTION_SITE_ID,
		array(
			'type'              => 'string',
			'sanitize_callback' => 'porchlight_sanitize_site_id',
		)
	);
	register_setting(
		$page,
		PORCHLIGHT_OPTION_SECRET,
		array(
			'type'              => 'string',
			'sanitize_callback' => 'porchlight_sanitize_secret',
			'show_in_rest'      => false,
		)
	);

	add_settings_section( 'porchlight_widget', __( 'Chat widget', 'porchlight' ), 'porchlight_widget_section', $page );
	add_settings_field( PORCHLIGHT_OPTION_EDGE_URL, __( 'Porchlight address', 'porchlight' ), 'porchlight_edge_url_field', $page, 'porchlight_widget', array( 'label_for' => PORCHLIGHT_OPTION_EDGE_URL ) );
	add_settings_field( PORCHLIGHT_OPTION_SITE_ID, __( 'Site id', 'porchlight' ), 'porchlight_site_id_field', $page, 'porchlight_widget', array( 'label_for' => PORCHLIGHT_OPTION_SITE_ID ) );

	add_settings_section( 'porchlight_identity', __( 'Signed-in users', 'porchlight' ), 'porchlight_identity_section', $page );
	add_settings_field( PORCHLIGHT_OPTION_SECRET, __( 'Identity secret', 'porchlight' ), 'porchlight_secret_field', $page, 'porchlight_identity', array( 'label_for' => PORCHLIGHT_OPTION_SECRET ) );
}

/**
 * Adds Settings → Porchlight (on `admin_menu`).
 */
function porchlight_add_settings_page() {
	add_options_page(
		__( 'Porchlight Live Chat', 'porchlight' ),
		__( 'Porchlight', 'porchlight' ),
		'manage_options',
		PORCHLIGHT_SETTINGS_PAGE,
		'porchlight_render_settings_page'
	);
}

/**
 * The settings page. WordPress shows settings errors itself on pages under Settings.
 */
function porchlight_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'Porchlight Live Chat', 'porchlight' ) . '</h1>';
	echo '<form action="options.php" method="post">';
	settings_fields( PORCHLIGHT_SETTINGS_PAGE );
	do_settings_sections( PORCHLIGHT_SETTINGS_PAGE );
	submit_button();
	echo '</form></div>';
}

/**
 * Keeps a valid Worker origin (without a trailing slash) or an empty value (the widget off);
 * anything else is refused with a message and the saved value stays.
 *
 * @param mixed $value The submitted value.
 * @return string What to save.
 */
function porchlight_sanitize_edge_url( $value ) {
	$value = is_string( $value ) ? trim( $value ) : '';
	if ( '' === $value ) {
		return '';
	}
	$origin = porchlight_normalize_edge_url( $value );
	if ( '' === $origin ) {
		add_settings_error(
			PORCHLIGHT_OPTION_EDGE_URL,
			'porchlight_edge_url_invalid',
			__( 'The Porchlight address must be a web address such as https://chat.example.com, without a path. The previous address was kept.', 'porchlight' )
		);
		return (string) get_option( PORCHLIGHT_OPTION_EDGE_URL, '' );
	}
	return $origin;
}

/**
 * Keeps a valid site id or an empty value (the widget off); anything else is refused with a
 * message and the saved value stays.
 *
 * @param mixed $value The submitted value.
 * @return string What to save.
 */
function porchlight_sanitize_site_id( $value ) {
	$value = is_string( $value ) ? trim( $value ) : '';
	if ( '' === $value || porchlight_is_site_id( $value ) ) {
		return $value;
	}
	add_settings_error(
		PORCHLIGHT_OPTION_SITE_ID,
		'porchlight_site_id_invalid',
		__( 'A site id is 1 to 64 lowercase letters, digits, hyphens and underscores. The previous site id was kept.', 'porchlight' )
	);
	return (string) get_option( PORCHLIGHT_OPTION_SITE_ID, '' );
}

/**
 * The secret's form posts `[secret]` (a new secret, or empty to keep the stored one) and
 * `[clear]` (remove it). A plain string, as WP-CLI's `option update` sends, is a new secret.
 *
 * @param mixed $value The submitted value.
 * @return string What to save.
 */
function porchlight_sanitize_secret( $value ) {
	if ( is_array( $value ) ) {
		if ( ! empty( $value['clear'] ) ) {
			return '';
		}
		$value = isset( $value['secret'] ) ? $value['secret'] : '';
	}
	$value = is_string( $value ) ? trim( $value ) : '';
	return '' === $value ? porchlight_identity_secret() : $value;
}

/**
 * The widget section's introduction.
 */
function porchlight_widget_section() {
	echo '<p>' . esc_html__( 'Both are in the snippet Porchlight gave you: the address is where embed.js is loaded from, the site id is its data-site value. The widget shows on every page once both are set.', 'porchlight' ) . '</p>';
}

/**
 * The Worker origin's input.
 */
function porchlight_edge_url_field() {
	printf(
		'<input type="url" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" placeholder="https://chat.example.com">',
		esc_attr( PORCHLIGHT_OPTION_EDGE_URL ),
		esc_attr( (string) get_option( PORCHLIGHT_OPTION_EDGE_URL, '' ) )
	);
}

/**
 * The site id's input.
 */
function porchlight_site_id_field() {
	printf(
		'<input type="text" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" pattern="[a-z0-9_\-]{1,64}" maxlength="64" spellcheck="false" placeholder="demo">',
		esc_attr( PORCHLIGHT_OPTION_SITE_ID ),
		esc_attr( (string) get_option( PORCHLIGHT_OPTION_SITE_ID, '' ) )
	);
}

/**
 * The identity section's introduction.
 */
function porchlight_identity_section() {
	echo '<p>' . esc_html__( 'With the site\'s identity secret (from Porchlight\'s site settings), signed-in users start chats under their account e-mail, and the team sees it was really them. The secret stays on this server: pages only get a signature made with it.', 'porchlight' ) . '</p>';
}

/**
 * The secret's inputs: never its value, only whether one is set.
 */
function porchlight_secret_field() {
	$name = PORCHLIGHT_OPTION_SECRET;
	$set  = '' !== porchlight_identity_secret();
	if ( $set ) {
		echo '<p><strong>' . esc_html__( 'A secret is set.', 'porchlight' ) . '</strong> ' . esc_html__( 'Leave the field empty to keep it.', 'porchlight' ) . '</p>';
	}
	printf(
		'<input type="password" class="regular-text code" id="%1$s" name="%1$s[secret]" value="" autocomplete="new-password" spellcheck="false">',
		esc_attr( $name )
	);
	if ( $set ) {
		printf(
			'<p><label><input type="checkbox" name="%1$s[clear]" value="1"> %2$s</label></p>',
			esc_attr( $name ),
			esc_html__( 'Remove the secret (signed-in users are no longer identified)', 'porchlight' )
		);
	}
}
