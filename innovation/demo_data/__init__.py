"""Content for ``flask demo``: Mimika's OPDs and a dozen realistic innovations."""
from __future__ import annotations

# (name, code, kind, parent code)
OPDS = [
    ("Sekretariat Daerah (Bagian Organisasi)", "SETDA-ORG", "sekretariat", None),
    ("Badan Perencanaan Pembangunan Daerah", "BAPPEDA", "badan", None),
    ("Dinas Kesehatan", "DINKES", "dinas", None),
    ("Dinas Pendidikan", "DISDIK", "dinas", None),
    ("Dinas Kependudukan dan Pencatatan Sipil", "DUKCAPIL", "dinas", None),
    ("Dinas Komunikasi dan Informatika", "DISKOMINFO", "dinas", None),
    ("Dinas Penanaman Modal dan PTSP", "DPMPTSP", "dinas", None),
    ("Badan Pendapatan Daerah", "BAPENDA", "badan", None),
    ("Dinas Tenaga Kerja dan Transmigrasi", "DISNAKERTRANS", "dinas", None),
    ("Dinas Sosial", "DINSOS", "dinas", None),
    ("Dinas Perhubungan", "DISHUB", "dinas", None),
    ("RSUD Mimika", "RSUD", "rsud", "DINKES"),
    ("Puskesmas Timika", "PKM-TIMIKA", "puskesmas", "DINKES"),
    ("Puskesmas Wania", "PKM-WANIA", "puskesmas", "DINKES"),
    ("Puskesmas Kwamki Narama", "PKM-KWAMKI", "puskesmas", "DINKES"),
    ("Puskesmas Mapurujaya", "PKM-MAPURU", "puskesmas", "DINKES"),
    ("Distrik Mimika Baru", "DIST-MIBA", "distrik", None),
    ("Distrik Kuala Kencana", "DIST-KUKEN", "distrik", None),
    ("Distrik Wania", "DIST-WANIA", "distrik", None),
    ("Distrik Agimuga", "DIST-AGIMUGA", "distrik", None),
]

JUDGES = [
    ("juri.lan", "Dr. Maria Rumbiak (LAN RI)", None),
    ("juri.kemendagri", "Ir. Budi Santoso (BSKDN Kemendagri)", None),
    ("juri.uncen", "Dr. Yohanes Kafiar (Universitas Cenderawasih)", None),
    ("juri.bappeda", "Agustina Beanal, S.E. (Bappeda)", "BAPPEDA"),
    ("juri.distrik", "Petrus Magal (Distrik Mimika Baru)", "DIST-MIBA"),
]

# completeness: "full" (profile, all 20 indicators, evidence), "most" (profile, mandatory evidence,
# some gaps), "thin" (short Rancang Bangun, missing evidence), "draft" (name and a few fields only).
INNOVATIONS = [
    dict(opd="DUKCAPIL", nama="Adminduk Keliling Kampung (AKK)", completeness="full", tahapan="penerapan",
         jenis="non_digital", bentuk="pelayanan_publik", urusan="administrasi_kependudukan_dan_pencatatan_sipil",
         tematik="asta_cita_6", lat="-4.5467", lon="136.8837", category=0,
         masalah="warga kampung pesisir dan pedalaman harus menempuh perjalanan berhari-hari dengan perahu atau pesawat perintis untuk mengurus KTP-el, kartu keluarga dan akta kelahiran",
         cara="tim jemput bola membawa perangkat perekaman portabel berbasis satelit ke kampung sesuai jadwal yang diumumkan melalui gereja dan kepala kampung"),
    dict(opd="DINKES", nama="SIPANDU Gizi: Sistem Pemantauan Balita Terpadu", completeness="full", tahapan="penerapan",
         jenis="digital", bentuk="pelayanan_publik", urusan="kesehatan", tematik="asta_cita_4", lat="-4.5289", lon="136.8871",
         category=2,
         masalah="data penimbangan balita di posyandu dicatat di buku dan terlambat sampai ke dinas sehingga kasus gizi buruk sering baru diketahui ketika sudah parah",
         cara="kader posyandu mencatat hasil penimbangan di aplikasi luring yang menyinkronkan data begitu ada sinyal, lalu dasbor menandai balita berisiko untuk dikunjungi tenaga gizi"),
    dict(opd="PKM-TIMIKA", nama="Ibu Hamil Aman (BUMIL AMAN) Puskesmas Timika", completeness="most", tahapan="penerapan",
         jenis="non_digital", bentuk="pelayanan_publik", urusan="kesehatan", tematik="asta_cita_4", lat="-4.5560", lon="136.8890",
         category=2,
         masalah="angka kunjungan antenatal keempat rendah karena ibu hamil tidak tahu jadwal pemeriksaan dan jauh dari puskesmas",
         cara="bidan kampung memegang kartu pantau ibu hamil dan mengingatkan jadwal lewat SMS serta kunjungan rumah, dengan ojek siaga untuk rujukan persalinan"),
    dict(opd="DPMPTSP", nama="Izin Usaha Mikro Sehari Jadi (IUMKM 1 Hari)", completeness="full", tahapan="penerapan",
         jenis="digital", bentuk="tata_kelola", urusan="penanaman_modal", tematik="asta_cita_3", lat="-4.5431", lon="136.8902",
         category=1,
         masalah="pelaku usaha mikro menunggu dua minggu untuk izin dan harus datang berkali-kali ke kantor",
         cara="permohonan diajukan melalui OSS dengan pendampingan petugas di loket, verifikasi lapangan dijadwalkan pada hari yang sama dan izin terbit dalam satu hari"),
    dict(opd="BAPENDA", nama="PBB Lunas dari Kampung (PALAKA)", completeness="most", tahapan="uji_coba",
         jenis="digital", bentuk="tata_kelola", urusan="keuangan", tematik="asta_cita_7", lat="-4.5401", lon="136.8811",
         category=1,
         masalah="penerimaan pajak bumi dan bangunan rendah karena wajib pajak di distrik harus datang ke kota untuk membayar",
         cara="pembayaran melalui agen bank di kampung dengan kode bayar yang dikirim lewat SMS, dan rekonsiliasi harian otomatis"),
    dict(opd="DIST-MIBA", nama="Layanan Distrik Satu Pintu (LADIS)", completeness="thin", tahapan="uji_coba",
         jenis="non_digital", bentuk="pelayanan_publik", urusan="pemberdayaan_masyarakat_dan_desa", tematik="asta_cita_6",
         lat="-4.5502", lon="136.8794", category=3,
         masalah="warga harus mendatangi banyak kantor untuk surat keterangan",
         cara="satu meja layanan di kantor distrik"),
    dict(opd="DISDIK", nama="Guru Penggerak Literasi Pedalaman", completeness="most", tahapan="penerapan",
         jenis="non_digital", bentuk="pelayanan_publik", urusan="pendidikan", tematik="asta_cita_4", lat="-4.3001", lon="136.5102",
         category=0,
         masalah="banyak murid kelas tiga di sekolah pedalaman belum lancar membaca karena guru jarang hadir dan buku bacaan tidak tersedia",
         cara="guru penggerak tinggal di kampung selama satu semester, membawa pojok baca berbahasa ibu dan melatih guru lokal serta relawan kampung"),
    dict(opd="DISKOMINFO", nama="Mimika Center Lapor Cepat", completeness="full", tahapan="penerapan",
         jenis="digital", bentuk="tata_kelola", urusan="komunikasi_dan_informatika", tematik="asta_cita_7", lat="-4.5470", lon="136.8850",
         category=1,
         masalah="pengaduan warga tercecer di banyak saluran dan tidak ada yang memantau apakah OPD menindaklanjuti",
         cara="semua pengaduan masuk ke satu pusat layanan, diteruskan ke OPD, dan ditandai merah bila belum ditindaklanjuti dalam lima hari"),
    dict(opd="PKM-WANIA", nama="Posyandu Remaja Wania", completeness="thin", tahapan="inisiatif",
         jenis="non_digital", bentuk="pelayanan_publik", urusan="kesehatan", tematik="asta_cita_4", lat="-4.5750", lon="136.9020",
         category=2, masalah="remaja tidak terjangkau layanan kesehatan", cara="posyandu khusus remaja"),
    dict(opd="DINSOS", nama="Data Bansos Tepat Sasaran (DATASAN)", completeness="draft", tahapan=None,
         jenis="digital", bentuk=None, urusan="sosial", tematik=None, lat=None, lon=None, category=1,
         masalah="", cara=""),
    dict(opd="DIST-KUKEN", nama="Kampung Sadar Sampah Kuala Kencana", completeness="draft", tahapan="uji_coba",
         jenis="non_digital", bentuk=None, urusan="lingkungan_hidup", tematik="asta_cita_8", lat=None, lon=None,
         category=3, masalah="", cara=""),
    dict(opd="DISHUB", nama="Jadwal Perintis Terbuka (JAPRI)", completeness="most", tahapan="penerapan",
         jenis="digital", bentuk="pelayanan_publik", urusan="perhubungan", tematik="asta_cita_3", lat="-4.5283", lon="136.8873",
         category=0,
         masalah="penumpang pesawat dan kapal perintis ke distrik pedalaman dan pesisir tidak mendapat informasi jadwal dan kuota kursi yang pasti",
         cara="jadwal, kuota dan daftar tunggu diumumkan di papan informasi bandara, radio dan kanal media sosial, diperbarui setiap hari oleh petugas"),
]


def rancang_bangun(nama: str, opd_name: str, masalah: str, cara: str, words: int) -> str:
    """A Rancang Bangun with the six expected parts; cut to ``words`` words."""
    text = (
        f"Dasar hukum. Inovasi {nama} dilaksanakan berdasarkan Undang-Undang Nomor 23 Tahun 2014 tentang "
        f"Pemerintahan Daerah, Peraturan Pemerintah Nomor 38 Tahun 2017 tentang Inovasi Daerah, Peraturan "
        f"Menteri Dalam Negeri Nomor 104 Tahun 2018, serta Keputusan Bupati Mimika tentang penetapan inovasi "
        f"daerah. "
        f"Permasalahan. Sebelum inovasi ini, {masalah}. Keadaan geografis Kabupaten Mimika yang terdiri atas "
        f"dataran rendah pesisir, rawa dan pegunungan membuat jarak tempuh dan biaya menjadi hambatan utama, "
        f"terutama bagi warga di distrik pedalaman yang hanya terhubung melalui sungai, laut atau pesawat perintis. "
        f"Isu strategis. Secara global, pelayanan publik yang inklusif menjadi bagian dari tujuan pembangunan "
        f"berkelanjutan. Secara nasional, inovasi ini sejalan dengan Asta Cita dan reformasi birokrasi. Secara "
        f"lokal, inovasi ini menjawab prioritas RPJMD Kabupaten Mimika untuk pemerataan layanan dasar. "
        f"Metode pembaharuan. {opd_name} mengubah cara kerja: {cara}. Perubahan ini dirancang bersama warga, "
        f"tokoh adat, tokoh agama dan perangkat kampung agar sesuai dengan kebiasaan setempat. "
        f"Keunggulan dan kebaharuan. Inovasi ini mendekatkan layanan kepada warga, memangkas waktu dan biaya, "
        f"memakai sumber daya yang sudah ada, serta dapat direplikasi oleh distrik dan kabupaten lain dengan "
        f"kondisi geografis serupa di Tanah Papua. Data layanan dicatat dan dilaporkan secara berkala sehingga "
        f"pimpinan dapat memantau capaian dan mengambil keputusan berdasarkan bukti. "
        f"Tahapan inovasi dan cara kerja. Tahap pertama adalah identifikasi masalah dan penyusunan rencana aksi. "
        f"Tahap kedua adalah uji coba di beberapa kampung terpilih dengan pendampingan dan evaluasi mingguan. "
        f"Tahap ketiga adalah penetapan melalui keputusan kepala daerah, penganggaran dalam DPA, pelatihan "
        f"petugas, sosialisasi kepada masyarakat, dan penerapan di seluruh wilayah sasaran. Tahap keempat adalah "
        f"monitoring dan evaluasi berkala, termasuk survei kepuasan masyarakat, untuk penyempurnaan layanan. "
        f"Setiap tahap didokumentasikan dengan foto, daftar hadir, berita acara dan laporan kegiatan sebagai "
        f"bukti dukung. Keberlanjutan inovasi dijamin melalui regulasi, anggaran rutin, dan kaderisasi petugas "
        f"di tingkat distrik dan kampung, sehingga layanan tetap berjalan walaupun terjadi pergantian pejabat."
    )
    return " ".join(text.split()[:words])
