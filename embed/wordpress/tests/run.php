<?php
/**
 * The Porchlight plugin's tests, run by `cargo xtask test` (xtask/src/wordpress.rs) as
 * `php embed/wordpress/tests/run.php`. WordPress is replaced by harness.php; each check prints
 * what it expected and what it got, and the script exits 1 if any failed.
 *
 * @package Porchlight
 */

require __DIR__ . '/harness.php';
require __DIR__ . '/../porchlight/porchlight.php';

const EDGE   = 'https://chat.example.com';
const SITE   = 'demo';
const SNIPPET = '<script async src="https://chat.example.com/embed.js" data-site="demo"></script>' . "\n";
// Computed independently (Python's hmac and Node's crypto.createHmac) when this test was
// written: HMAC-SHA256(key "porchlight-identity-secret-0001", "ada.lovelace@example.com").
const SECRET = 'porchlight-identity-secret-0001';
const EMAIL  = '  Ada.Lovelace@Example.COM ';
const TOKEN  = 'bf7d531023dc882aa3006c140d805656307bfe06ac0583f7383629609d1dda8d';
const HOSTILE = array( '"><script>alert(1)</script>', 'javascript:alert(1)' );

$failures = 0;
// Everything the plugin printed in any test, searched for the secret at the end.
$everything = '';

function check( $ok, $what, $detail = '' ) {
	global $failures;
	if ( $ok ) {
		echo "ok   {$what}\n";
		return;
	}
	$failures++;
	echo "FAIL {$what}\n" . ( '' !== $detail ? "     {$detail}\n" : '' );
}

function same( $actual, $expected, $what ) {
	check( $actual === $expected, $what, 'expected ' . var_export( $expected, true ) . "\n     got      " . var_export( $actual, true ) );
}

/** Runs `$print` and returns what it printed. */
function captured( callable $print ) {
	global $everything;
	ob_start();
	$print();
	$out         = ob_get_clean();
	$everything .= $out;
	return $out;
}

function footer() {
	return captured(
		function () {
			do_action( 'wp_footer' );
		}
	);
}

/** Saves the form the way wp-admin/options.php does, and returns the settings errors. */
function save( array $post ) {
	$GLOBALS['wp_stand_in']['errors'] = array();
	foreach ( wp_stand_in()['settings'] as $option => $setting ) {
		if ( 'porchlight' === $setting['group'] ) {
			update_option( $option, array_key_exists( $option, $post ) ? $post[ $option ] : null );
		}
	}
	return array_column( wp_stand_in()['errors'], 'setting' );
}

function configure( $secret = '' ) {
	return save(
		array(
			'porchlight_edge_url'        => EDGE . '/',
			'porchlight_site_id'         => SITE,
			'porchlight_identity_secret' => array( 'secret' => $secret ),
		)
	);
}

function settings_page() {
	return captured( wp_stand_in()['pages']['porchlight']['callback'] );
}

// Before configuration.

same( footer(), '', 'nothing is printed before the plugin is configured' );
do_action( 'admin_init' );
do_action( 'admin_menu' );
$baseline = $GLOBALS['wp_stand_in'];
function scenario( $name ) {
	$GLOBALS['wp_stand_in'] = $GLOBALS['baseline'];
	echo "-- {$name}\n";
}

scenario( 'settings' );
same( array_keys( wp_stand_in()['settings'] ), array( 'porchlight_edge_url', 'porchlight_site_id', 'porchlight_identity_secret' ), 'three options are registered' );
same( wp_stand_in()['pages']['porchlight']['capability'] ?? null, 'manage_options', 'Settings → Porchlight needs manage_options' );
same( wp_stand_in()['autoload']['porchlight_identity_secret'] ?? null, false, 'the secret option is not autoloaded' );
same( footer(), '', 'nothing is printed without an address and site id' );

scenario( 'the snippet' );
same( configure(), array(), 'a valid address and site id save without errors' );
same( get_option( 'porchlight_edge_url' ), EDGE, 'the address is stored without its trailing slash' );
same( footer(), SNIPPET, 'wp_footer prints the snippet once, exactly' );
same( save( array( 'porchlight_edge_url' => 'HTTP://127.0.0.1:8787', 'porchlight_site_id' => 'a_b-9' ) ), array(), 'a local address with a port is accepted' );
same( footer(), '<script async src="http://127.0.0.1:8787/embed.js" data-site="a_b-9"></script>' . "\n", 'the local snippet' );

scenario( 'hostile values are refused when saved' );
configure();
$refused = array_merge( HOSTILE, array( 'https://chat.example.com/chat', 'https://user@chat.example.com', 'ftp://chat.example.com', 'chat.example.com', 'https://chat.example.com?x=1' ) );
foreach ( $refused as $bad ) {
	same( save( array( 'porchlight_edge_url' => $bad, 'porchlight_site_id' => SITE ) ), array( 'porchlight_edge_url' ), "address {$bad} is refused with a settings error" );
	same( get_option( 'porchlight_edge_url' ), EDGE, "address {$bad} leaves the old address" );
}
foreach ( array_merge( HOSTILE, array( 'Demo', str_repeat( 'a', 65 ), "de\nmo", 'de mo' ) ) as $bad ) {
	same( save( array( 'porchlight_edge_url' => EDGE, 'porchlight_site_id' => $bad ) ), array( 'porchlight_site_id' ), 'site id ' . json_encode( $bad ) . ' is refused with a settings error' );
	same( get_option( 'porchlight_site_id' ), SITE, 'site id ' . json_encode( $bad ) . ' leaves the old site id' );
}
same( footer(), SNIPPET, 'the snippet is unchanged after refused values' );

scenario( 'hostile values written straight into the options are never printed' );
foreach ( array( array( HOSTILE[0], SITE ), array( HOSTILE[1], SITE ), array( EDGE . HOSTILE[0], SITE ), array( EDGE, HOSTILE[0] ), array( EDGE, 'demo" onload="alert(1)' ) ) as list( $edge, $site ) ) {
	$GLOBALS['wp_stand_in']['options']['porchlight_edge_url'] = $edge;
	$GLOBALS['wp_stand_in']['options']['porchlight_site_id']  = $site;
	same( footer(), '', 'nothing is printed for ' . json_encode( array( $edge, $site ) ) );
}
$GLOBALS['wp_stand_in']['options']['porchlight_edge_url'] = HOSTILE[0];
$GLOBALS['wp_stand_in']['user']                           = (object) array( 'ID' => 1, 'user_email' => EMAIL );
$page = settings_page();
check( false === strpos( $page, HOSTILE[0] ) && false !== strpos( $page, esc_attr( HOSTILE[0] ) ), 'the settings page shows a stored hostile address escaped' );

scenario( 'identity' );
configure( SECRET );
$GLOBALS['wp_stand_in']['user'] = (object) array( 'ID' => 1, 'user_email' => EMAIL );
$settings_script = "<script>\nwindow.porchlightSettings = Object.assign(window.porchlightSettings || {}, "
	. '{"identificationEmail":"' . EMAIL . '","identificationToken":"' . TOKEN . '"}' . ");\n</script>\n";
same( porchlight_identity_token( EMAIL, SECRET ), TOKEN, 'the token matches the independently computed vector' );
same( footer(), $settings_script . SNIPPET, 'a signed-in user gets the settings script, then the snippet' );
add_filter(
	'wp_inline_script_attributes',
	function ( $attributes ) {
		return $attributes + array( 'nonce' => 'n0nce' );
	}
);
check( 0 === strpos( footer(), '<script nonce="n0nce">' ), 'the settings script takes a CSP nonce from wp_inline_script_attributes' );
$GLOBALS['wp_stand_in']['user'] = null;
same( footer(), SNIPPET, 'a logged-out visitor gets no identity' );
$GLOBALS['wp_stand_in']['user'] = (object) array( 'ID' => 1, 'user_email' => EMAIL );
same( save( array( 'porchlight_edge_url' => EDGE, 'porchlight_site_id' => SITE, 'porchlight_identity_secret' => array( 'secret' => '' ) ) ), array(), 'saving with an empty secret field succeeds' );
same( get_option( 'porchlight_identity_secret' ), SECRET, 'an empty secret field keeps the stored secret' );
$page = settings_page();
check( false !== strpos( $page, 'A secret is set.' ), 'the settings page says a secret is set' );
check( false !== strpos( $page, 'name="porchlight_identity_secret[secret]" value=""' ), 'the secret input is empty' );
save( array( 'porchlight_edge_url' => EDGE, 'porchlight_site_id' => SITE, 'porchlight_identity_secret' => array( 'secret' => '', 'clear' => '1' ) ) );
same( get_option( 'porchlight_identity_secret' ), '', '"clear" removes the secret' );
same( footer(), SNIPPET, 'without a secret a signed-in user gets no identity' );
check( false === strpos( settings_page(), 'A secret is set.' ), 'the settings page says no secret is set' );

scenario( 'filters' );
configure();
add_filter(
	'porchlight_settings',
	function ( $settings ) {
		return $settings + array(
			'locale'          => 'fr',
			'loadImmediately' => false,
			'note'            => '</script><script>alert(1)</script>',
		);
	}
);
$out = footer();
check( false !== strpos( $out, '{"locale":"fr","loadImmediately":false,"note":"\u003C/script\u003E' ), 'porchlight_settings adds settings, encoded', $out );
check( 2 === substr_count( $out, '</script>' ) && 2 === substr_count( $out, '<script' ), 'a filtered value cannot close the settings script', $out );
scenario( 'porchlight_show_widget' );
configure();
add_filter( 'porchlight_show_widget', 'hide_widget' );
function hide_widget() {
	return false;
}
same( footer(), '', 'porchlight_show_widget false prints nothing' );

scenario( 'admin and feeds' );
configure( SECRET );
$GLOBALS['wp_stand_in']['user']  = (object) array( 'ID' => 1, 'user_email' => EMAIL );
$GLOBALS['wp_stand_in']['admin'] = true;
same( footer(), '', 'nothing is printed in the admin' );
$GLOBALS['wp_stand_in']['admin'] = false;
$GLOBALS['wp_stand_in']['feed']  = true;
same( footer(), '', 'nothing is printed in feeds' );

scenario( 'uninstall' );
configure( SECRET );
define( 'WP_UNINSTALL_PLUGIN', 'porchlight/porchlight.php' );
require __DIR__ . '/../porchlight/uninstall.php';
same( array_intersect( array_keys( wp_stand_in()['options'] ), array( 'porchlight_edge_url', 'porchlight_site_id', 'porchlight_identity_secret' ) ), array(), 'uninstall deletes the options' );

echo "--\n";
check( false === strpos( $everything, SECRET ), 'the secret never appeared in anything printed (' . strlen( $everything ) . ' bytes)' );

if ( $failures > 0 ) {
	fwrite( STDERR, "WordPress plugin: {$failures} check(s) failed\n" );
	exit( 1 );
}
echo "WordPress plugin: all checks passed\n";
